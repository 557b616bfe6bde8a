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
      : insert(db.prepare(
            "INSERT INTO event_log (seq, stream, stream_seq, at, payload) VALUES (?1, ?2, ?3, ?4, ?5)")),
        number(db.prepare("INSERT INTO event_streams (stream, last_seq) VALUES (?1, ?2) "
                          "ON CONFLICT (stream) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)")),
        // Rows are appended in seq order with the time of their append, so the old ones are a prefix:
        // the scan stops at the first young row (a clock that stepped back only keeps rows longer).
        trim_age(db.prepare("DELETE FROM event_log WHERE seq < coalesce("
                            "(SELECT seq FROM event_log WHERE at >= ?1 ORDER BY seq LIMIT 1), "
                            "(SELECT max(seq) + 1 FROM event_log))")),
        streams(db.prepare("SELECT stream FROM event_streams")),
        trim_count(db.prepare("DELETE FROM event_log WHERE stream = ?1 AND stream_seq <= "
                              "(SELECT stream_seq FROM event_log WHERE stream = ?1 ORDER BY stream_seq DESC "
                              "LIMIT 1 OFFSET ?2)")) {}
  statement insert, number, trim_age, streams, trim_count;
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
  first_row_ = next_row_ = static_cast<std::uint64_t>(q.column_int(0)) + 1;
  auto streams = writer_.db().prepare("SELECT stream, last_seq FROM event_streams");
  while (streams.step())
    last_seq_[streams.column_text(0)] = static_cast<std::uint64_t>(streams.column_int(1));
  writer_.start(*this);
}

event_log::~event_log() { writer_.stop(); }

event_log_position event_log::append(std::string_view stream, std::string_view payload, std::int64_t at) {
  std::uint64_t seq = 0;
  const auto ticket = writer_.record([&] {
    auto it = last_seq_.find(stream);
    if (it == last_seq_.end()) it = last_seq_.emplace(std::string(stream), 0).first;
    seq = ++it->second;
    pending_.push_back({it->first, seq, std::string(payload), at});
    return 1;
  });
  return {seq, ticket};
}

void event_log::when_durable(std::uint64_t ticket, std::function<void()> done) {
  writer_.when_durable(ticket, std::move(done));
}

void event_log::sync() { writer_.sync(); }

void event_log::take_group() { group_.swap(pending_); }

void event_log::write_group(database&) {
  // One event_streams update per stream per group: the group's last number of each.
  std::vector<std::pair<std::string_view, std::uint64_t>> last;
  for (const auto& e : group_) {
    sql_->insert.bind(1, static_cast<std::int64_t>(next_row_++))
        .bind(2, e.stream)
        .bind(3, static_cast<std::int64_t>(e.seq))
        .bind(4, e.at)
        .bind_blob(5, e.payload)
        .run();
    auto it = std::find_if(last.begin(), last.end(), [&](const auto& l) { return l.first == e.stream; });
    if (it == last.end()) {
      last.emplace_back(e.stream, e.seq);
    } else {
      it->second = std::max(it->second, e.seq);
    }
  }
  for (const auto& [stream, seq] : last) {
    sql_->number.bind(1, stream).bind(2, static_cast<std::int64_t>(seq)).run();
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
      "SELECT stream_seq, at, payload FROM event_log WHERE stream = ?1 AND stream_seq > ?2 "
      "ORDER BY stream_seq LIMIT ?3");
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

std::uint64_t event_log::last_durable_seq(std::string_view stream) {
  std::lock_guard lock(read_mutex_);
  auto q = reader_.prepare("SELECT last_seq FROM event_streams WHERE stream = ?1");
  q.bind(1, stream);
  return q.step() ? static_cast<std::uint64_t>(q.column_int(0)) : 0;
}

}  // namespace tether::storage
