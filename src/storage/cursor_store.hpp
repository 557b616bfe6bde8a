#pragma once
// Where each named reader of the event log stands in each stream: the number of the last entry it
// has handled (0: none). A reader (an outbound connector) loads its cursor, reads a batch after it,
// delivers it, and saves the cursor; `save` returns once the new position is committed, so after a
// crash the reader resumes right after what it last saved (entries after it may be delivered again
// if it died between delivering and saving: at least once). Table `event_cursors` (migration 8).
//
// Thread-safe: one connection behind a mutex. Saves are per batch, not per event, so they commit on
// their own instead of through a group writer.

#include "storage/sqlite.hpp"

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace tether::storage {

struct cursor {
  std::string reader;
  std::string stream;
  std::uint64_t seq = 0;
  std::int64_t updated_at = 0;  // Unix ns
  friend bool operator==(const cursor&, const cursor&) = default;
};

class cursor_store {
 public:
  explicit cursor_store(const std::string& path, sync_mode sync = sync_mode::normal);

  // The saved position of `reader` in `stream`; 0 when it never saved one.
  std::uint64_t load(std::string_view reader, std::string_view stream);
  // Durable on return (per `sync`).
  void save(std::string_view reader, std::string_view stream, std::uint64_t seq);
  // Forgets a reader's position (it starts again from the oldest entry kept).
  void remove(std::string_view reader, std::string_view stream);
  // Every cursor of `reader`, by stream.
  std::vector<cursor> list(std::string_view reader);

 private:
  std::mutex mutex_;
  database db_;
};

}  // namespace tether::storage
