#include "storage/event_log.hpp"

#include <algorithm>

namespace tether::storage {
namespace {

group_writer_options writer_options(const event_log_options& o) {
  auto w = o.writer;
  const bool limited = o.max_age.count() > 0 || o.max_rows_per_stream > 0;
  w.maintenance_interval = limited ? o.trim_interval : std::chrono::milliseconds(0);
  return w;
}

}  // namespace

struct event_log::statements {
  explicit statements(database& db)
      : insert(db.prepare("INSERT INTO event_log (seq, stream, at, payload) VALUES (?1, ?2, ?3, ?4)")),
        trim_age(db.prepare("DELETE FROM event_log WHERE at < ?1")),
        streams(db.prepare("SELECT DISTINCT stream FROM event_log")),
        trim_count(db.prepare(
            "DELETE FROM event_log WHERE stream = ?1 AND seq <= "
            "(SELECT seq FROM event_log WHERE stream = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)")) {}
  statement insert, trim_age, streams, trim_count;
};

event_log::event_log(const std::string& path, event_log_options options)
    : options_(options),
      writer_(path, writer_options(options), "event log"),
      sql_(std::make_unique<statements>(writer_.db())),
      reader_(path) {
  auto q = writer_.db().prepare(
      "SELECT max(coalesce((SELECT max(seq) FROM event_log), 0), "
      "coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'event_log'), 0))");
  q.step();
  first_seq_ = next_write_seq_ = static_cast<std::uint64_t>(q.column_int(0)) + 1;
  writer_.start(*this);
}

event_log::~event_log() { writer_.stop(); }

std::uint64_t event_log::append(std::string_view stream, std::string_view payload, std::int64_t at) {
  const auto ticket = writer_.record([&] {
    pending_.push_back({std::string(stream), std::string(payload), at});
    return 1;
  });
  return first_seq_ - 1 + ticket;
}

void event_log::when_durable(std::uint64_t seq, std::function<void()> done) {
  writer_.when_durable(seq < first_seq_ ? 0 : seq - first_seq_ + 1, std::move(done));
}

void event_log::sync() { writer_.sync(); }

void event_log::take_group() { group_.swap(pending_); }

void event_log::write_group(database&) {
  for (const auto& e : group_) {
    sql_->insert.bind(1, static_cast<std::int64_t>(next_write_seq_++))
        .bind(2, e.stream)
        .bind(3, e.at)
        .bind_blob(4, e.payload)
        .run();
  }
  group_.clear();
}

void event_log::maintain(database& db) {
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  trim(db, now);
}

std::size_t event_log::trim(std::int64_t now) {
  return writer_.exclusive([&](database& db) {
    transaction t(db);
    auto n = trim(db, now);
    t.commit();
    return n;
  });
}

std::size_t event_log::trim(database& db, std::int64_t now) {
  auto& s = *sql_;
  std::size_t removed = 0;
  if (options_.max_age.count() > 0) {
    s.trim_age.bind(1, now - options_.max_age.count()).run();
    removed += static_cast<std::size_t>(db.changes());
  }
  if (options_.max_rows_per_stream > 0) {
    std::vector<std::string> streams;
    while (s.streams.step()) streams.push_back(s.streams.column_text(0));
    s.streams.reset();
    for (const auto& stream : streams) {
      s.trim_count.bind(1, stream).bind(2, static_cast<std::int64_t>(options_.max_rows_per_stream)).run();
      removed += static_cast<std::size_t>(db.changes());
    }
  }
  return removed;
}

std::vector<event_log_entry> event_log::read(std::string_view stream, std::uint64_t after_seq,
                                             std::size_t limit) {
  std::lock_guard lock(read_mutex_);
  auto q = reader_.prepare(
      "SELECT seq, at, payload FROM event_log WHERE stream = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
  q.bind(1, stream)
      .bind(2, static_cast<std::int64_t>(after_seq))
      .bind(3, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
  std::vector<event_log_entry> out;
  while (q.step()) {
    out.push_back({static_cast<std::uint64_t>(q.column_int(0)), std::string(stream), q.column_int(1),
                   q.column_blob(2)});
  }
  return out;
}

}  // namespace tether::storage
