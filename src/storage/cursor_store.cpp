#include "storage/cursor_store.hpp"

#include <chrono>

namespace tether::storage {

cursor_store::cursor_store(const std::string& path, sync_mode sync) : db_(path, sync) {}

std::uint64_t cursor_store::load(std::string_view reader, std::string_view stream) {
  std::lock_guard lock(mutex_);
  auto q = db_.prepare("SELECT seq FROM event_cursors WHERE reader = ?1 AND stream = ?2");
  q.bind(1, reader).bind(2, stream);
  return q.step() ? static_cast<std::uint64_t>(q.column_int(0)) : 0;
}

void cursor_store::save(std::string_view reader, std::string_view stream, std::uint64_t seq) {
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::lock_guard lock(mutex_);
  transaction t(db_);
  db_.prepare(
         "INSERT INTO event_cursors (reader, stream, seq, updated_at) VALUES (?1, ?2, ?3, ?4) "
         "ON CONFLICT (reader, stream) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at")
      .bind(1, reader)
      .bind(2, stream)
      .bind(3, static_cast<std::int64_t>(seq))
      .bind(4, now)
      .run();
  t.commit();
}

void cursor_store::remove(std::string_view reader, std::string_view stream) {
  std::lock_guard lock(mutex_);
  db_.prepare("DELETE FROM event_cursors WHERE reader = ?1 AND stream = ?2")
      .bind(1, reader)
      .bind(2, stream)
      .run();
}

std::vector<cursor> cursor_store::list(std::string_view reader) {
  std::lock_guard lock(mutex_);
  auto q = db_.prepare("SELECT stream, seq, updated_at FROM event_cursors WHERE reader = ?1 ORDER BY stream");
  q.bind(1, reader);
  std::vector<cursor> out;
  while (q.step()) {
    out.push_back({std::string(reader), q.column_text(0), static_cast<std::uint64_t>(q.column_int(1)),
                   q.column_int(2)});
  }
  return out;
}

}  // namespace tether::storage
