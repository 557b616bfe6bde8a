#include "storage/device_session_store.hpp"

#include "storage/device_session_codec.hpp"

namespace tether::storage {
namespace {

std::string key_of(std::string_view application_id, std::string_view device_id) {
  std::string key;
  key.reserve(application_id.size() + 1 + device_id.size());
  key.append(application_id).push_back('\0');  // IDs never contain NUL
  key.append(device_id);
  return key;
}

}  // namespace

struct device_session_store::statements {
  explicit statements(database& db)
      : update(db.prepare("UPDATE device_sessions SET state = ?4, updated_at = ?5 "
                          "WHERE application_id = ?1 AND device_id = ?2 AND dev_addr IS ?3")),
        upsert(db.prepare(
            "INSERT INTO device_sessions (application_id, device_id, dev_addr, state, updated_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (application_id, device_id) DO UPDATE SET "
            "dev_addr = excluded.dev_addr, state = excluded.state, updated_at = excluded.updated_at")),
        remove(db.prepare("DELETE FROM device_sessions WHERE application_id = ?1 AND device_id = ?2")) {}
  // Most puts only advance counters: `update` leaves dev_addr (and its index) alone; `upsert` runs when
  // the row is new or its DevAddr changed.
  statement update, upsert, remove;
};

device_session_store::device_session_store(const std::string& path, group_writer_options options)
    : writer_(path, options, "device sessions"), sql_(std::make_unique<statements>(writer_.db())) {
  writer_.start(*this);
}

device_session_store::~device_session_store() { writer_.stop(); }

std::uint64_t device_session_store::put(const device_session& s) {
  change c{s.application_id, s.device_id};
  if (s.active) c.dev_addr = std::string(s.dev_addr.view());
  c.state = encode_device_session(s);
  c.updated_at = s.updated_at;
  return record(std::move(c));
}

std::uint64_t device_session_store::remove(std::string_view application_id, std::string_view device_id) {
  change c{std::string(application_id), std::string(device_id)};
  c.remove = true;
  return record(std::move(c));
}

std::uint64_t device_session_store::record(change c) {
  auto key = key_of(c.application_id, c.device_id);
  return writer_.record([&]() -> std::size_t {
    auto [it, added] = pending_index_.try_emplace(std::move(key), pending_.size());
    if (!added) {
      // Coalesce: only the newest state of a device within one group reaches the disk.
      pending_[it->second] = std::move(c);
      return 0;
    }
    pending_.push_back(std::move(c));
    return 1;
  });
}

void device_session_store::when_durable(std::uint64_t ticket, std::function<void()> done) {
  writer_.when_durable(ticket, std::move(done));
}

void device_session_store::sync() { writer_.sync(); }

void device_session_store::take_group() {
  group_.swap(pending_);
  pending_index_.clear();
}

void device_session_store::write_group(database& db) {
  auto bind = [](statement& st, const change& c) -> statement& {
    st.bind(1, c.application_id).bind(2, c.device_id);
    if (c.dev_addr) {
      st.bind_blob(3, *c.dev_addr);
    } else {
      st.bind_null(3);
    }
    return st.bind_blob(4, c.state).bind(5, c.updated_at);
  };
  for (const auto& c : group_) {
    if (c.remove) {
      sql_->remove.bind(1, c.application_id).bind(2, c.device_id).run();
      continue;
    }
    bind(sql_->update, c).run();
    if (db.changes() == 0) bind(sql_->upsert, c).run();
  }
  group_.clear();
}

std::vector<device_session> device_session_store::load_all() {
  return writer_.exclusive([](database& db) {
    std::vector<device_session> out;
    auto q = db.prepare(
        "SELECT application_id, device_id, state, updated_at FROM device_sessions "
        "ORDER BY application_id, device_id");
    while (q.step()) {
      auto application_id = q.column_text(0);
      auto device_id = q.column_text(1);
      auto s = decode_device_session(q.column_blob(2), "device session " + application_id + "/" + device_id);
      s.application_id = std::move(application_id);
      s.device_id = std::move(device_id);
      s.updated_at = q.column_int(3);
      out.push_back(std::move(s));
    }
    return out;
  });
}

}  // namespace tether::storage
