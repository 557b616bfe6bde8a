#pragma once
// The append-only event log (for replay to outbound connectors): entries of named streams, numbered by
// one increasing `seq` shared by all streams. `append` returns the entry's seq, which is also its
// durability ticket. Reads see only entries already on disk, through a read connection of their own
// (WAL lets them run beside the writer). The writer trims the log every `trim_interval`: entries older
// than `max_age`, and per stream all but the newest `max_rows_per_stream`.
//
// Overflow: at most `writer.max_pending` appends wait unwritten; beyond that `append` blocks until the
// writer has taken a group (backpressure). Retention bounds what stays on disk.

#include "storage/group_writer.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace tether::storage {

struct event_log_options {
  std::chrono::nanoseconds max_age = std::chrono::hours(24 * 7);  // 0: no age limit
  std::size_t max_rows_per_stream = 100'000;                      // 0: no count limit
  std::chrono::milliseconds trim_interval = std::chrono::seconds(60);
  group_writer_options writer{};  // its maintenance_interval is trim_interval
};

struct event_log_entry {
  std::uint64_t seq = 0;
  std::string stream;
  std::int64_t at = 0;  // Unix ns
  std::string payload;
  friend bool operator==(const event_log_entry&, const event_log_entry&) = default;
};

class event_log final : private group_source {
 public:
  explicit event_log(const std::string& path, event_log_options options = {});
  ~event_log() override;

  // Queues an entry and returns its seq (also its ticket for when_durable).
  std::uint64_t append(std::string_view stream, std::string_view payload, std::int64_t at);
  // Up to `limit` durable entries of `stream` with seq > after_seq, in seq order.
  std::vector<event_log_entry> read(std::string_view stream, std::uint64_t after_seq, std::size_t limit);

  void when_durable(std::uint64_t seq, std::function<void()> done);
  void sync();
  // Trims now with `now` (Unix ns) as the present, as the writer does periodically; returns the
  // entries removed. Waits for queued appends to be written first.
  std::size_t trim(std::int64_t now);

 private:
  struct entry {
    std::string stream;
    std::string payload;
    std::int64_t at;
  };
  struct statements;

  void take_group() override;
  void write_group(database& db) override;
  void maintain(database& db) override;
  std::size_t trim(database& db, std::int64_t now);

  event_log_options options_;
  group_writer writer_;
  std::unique_ptr<statements> sql_;  // writer thread only
  // Tickets count appends since start; seq = first_seq_ - 1 + ticket. Seqs are never reused, even when
  // trimming emptied the log (AUTOINCREMENT remembers the highest).
  std::uint64_t first_seq_ = 1;
  std::vector<entry> pending_;        // guarded by the writer's lock
  std::vector<entry> group_;          // the group being written (writer thread)
  std::uint64_t next_write_seq_ = 1;  // seq of the next entry the writer takes

  std::mutex read_mutex_;
  database reader_;
};

}  // namespace tether::storage
