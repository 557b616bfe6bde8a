#include "storage/downlink_queue_store.hpp"

#include "storage/downlink_item_codec.hpp"

#include <algorithm>

namespace tether::storage {

struct downlink_queue_store::change {
  enum class kind { push, replace, remove, update };
  kind what;
  std::string application_id;
  std::string device_id;
  std::vector<downlink_item> items;  // push, replace (all), update (one)
  std::uint64_t seq = 0;             // remove
};

struct downlink_queue_store::statements {
  explicit statements(database& db)
      : upsert(db.prepare(
            "INSERT INTO downlink_queue (application_id, device_id, seq, priority, item) "
            "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (application_id, device_id, seq) DO UPDATE SET "
            "priority = excluded.priority, item = excluded.item")),
        remove(db.prepare(
            "DELETE FROM downlink_queue WHERE application_id = ?1 AND device_id = ?2 AND seq = ?3")),
        clear(db.prepare("DELETE FROM downlink_queue WHERE application_id = ?1 AND device_id = ?2")) {}
  statement upsert, remove, clear;
};

downlink_queue_store::downlink_queue_store(const std::string& path, downlink_queue_options options)
    : options_(options),
      writer_(path, options.writer, "downlink queue"),
      sql_(std::make_unique<statements>(writer_.db())) {
  auto q = writer_.db().prepare("SELECT application_id, device_id, seq FROM downlink_queue");
  while (q.step()) {
    const auto seq = static_cast<std::uint64_t>(q.column_int(2));
    held_[{q.column_text(0), q.column_text(1)}].insert(seq);
    next_seq_ = std::max(next_seq_, seq + 1);
  }
  writer_.start(*this);
}

downlink_queue_store::~downlink_queue_store() { writer_.stop(); }

result<downlink_queue_store::queued> downlink_queue_store::push(std::string_view application_id,
                                                                std::string_view device_id,
                                                                std::vector<downlink_item> items) {
  return enqueue(application_id, device_id, std::move(items), false);
}

result<downlink_queue_store::queued> downlink_queue_store::replace(std::string_view application_id,
                                                                   std::string_view device_id,
                                                                   std::vector<downlink_item> items) {
  return enqueue(application_id, device_id, std::move(items), true);
}

result<downlink_queue_store::queued> downlink_queue_store::enqueue(std::string_view application_id,
                                                                   std::string_view device_id,
                                                                   std::vector<downlink_item> items,
                                                                   bool replace) {
  for (const auto& item : items) {
    if (item.priority > 6) return storage_errc::invalid_priority;
  }
  std::lock_guard lock(mutex_);
  device_key key{std::string(application_id), std::string(device_id)};
  auto it = held_.find(key);
  const std::size_t kept = replace || it == held_.end() ? 0 : it->second.size();
  if (kept + items.size() > options_.max_items_per_device) return storage_errc::queue_full;
  if (it == held_.end()) it = held_.emplace(key, std::set<std::uint64_t>{}).first;
  if (replace) it->second.clear();
  for (auto& item : items) {
    item.seq = next_seq_++;
    item.application_id = key.first;
    item.device_id = key.second;
    it->second.insert(it->second.end(), item.seq);
  }
  if (it->second.empty()) held_.erase(it);
  queued out;
  out.items = items;
  out.ticket = record({replace ? change::kind::replace : change::kind::push, std::move(key.first),
                       std::move(key.second), std::move(items)});
  return out;
}

result<std::uint64_t> downlink_queue_store::remove(std::string_view application_id,
                                                   std::string_view device_id, std::uint64_t seq) {
  std::lock_guard lock(mutex_);
  device_key key{std::string(application_id), std::string(device_id)};
  auto it = held_.find(key);
  if (it == held_.end() || it->second.erase(seq) == 0) return storage_errc::not_found;
  if (it->second.empty()) held_.erase(it);
  change c{change::kind::remove, std::move(key.first), std::move(key.second)};
  c.seq = seq;
  return record(std::move(c));
}

result<std::uint64_t> downlink_queue_store::update(const downlink_item& item) {
  if (item.priority > 6) return storage_errc::invalid_priority;
  std::lock_guard lock(mutex_);
  auto it = held_.find(device_key{item.application_id, item.device_id});
  if (it == held_.end() || !it->second.contains(item.seq)) return storage_errc::not_found;
  return record({change::kind::update, item.application_id, item.device_id, {item}});
}

std::size_t downlink_queue_store::size(std::string_view application_id, std::string_view device_id) const {
  std::lock_guard lock(mutex_);
  auto it = held_.find(device_key{std::string(application_id), std::string(device_id)});
  return it == held_.end() ? 0 : it->second.size();
}

std::uint64_t downlink_queue_store::record(change c) {
  return writer_.record([&] {
    pending_.push_back(std::move(c));
    return 1;
  });
}

void downlink_queue_store::when_durable(std::uint64_t ticket, std::function<void()> done) {
  writer_.when_durable(ticket, std::move(done));
}

void downlink_queue_store::sync() { writer_.sync(); }

void downlink_queue_store::take_group() { group_.swap(pending_); }

void downlink_queue_store::write_group(database&) {
  auto& s = *sql_;
  auto write_item = [&](const change& c, const downlink_item& item) {
    s.upsert.bind(1, c.application_id)
        .bind(2, c.device_id)
        .bind(3, static_cast<std::int64_t>(item.seq))
        .bind(4, item.priority)
        .bind_blob(5, encode_downlink_item(item))
        .run();
  };
  for (const auto& c : group_) {
    switch (c.what) {
      case change::kind::replace:
        s.clear.bind(1, c.application_id).bind(2, c.device_id).run();
        [[fallthrough]];
      case change::kind::push:
      case change::kind::update:
        for (const auto& item : c.items) write_item(c, item);
        break;
      case change::kind::remove:
        s.remove.bind(1, c.application_id)
            .bind(2, c.device_id)
            .bind(3, static_cast<std::int64_t>(c.seq))
            .run();
        break;
    }
  }
  group_.clear();
}

std::vector<downlink_item> downlink_queue_store::load_all() {
  return writer_.exclusive([](database& db) {
    std::vector<downlink_item> out;
    auto q = db.prepare(
        "SELECT application_id, device_id, seq, priority, item FROM downlink_queue "
        "ORDER BY application_id, device_id, priority DESC, seq");
    while (q.step()) {
      auto application_id = q.column_text(0);
      auto device_id = q.column_text(1);
      const auto seq = static_cast<std::uint64_t>(q.column_int(2));
      auto item = decode_downlink_item(
          q.column_blob(4), "downlink " + application_id + "/" + device_id + "#" + std::to_string(seq));
      item.seq = seq;
      item.application_id = std::move(application_id);
      item.device_id = std::move(device_id);
      item.priority = static_cast<std::uint8_t>(q.column_int(3));
      out.push_back(std::move(item));
    }
    return out;
  });
}

}  // namespace tether::storage
