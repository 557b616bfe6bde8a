#pragma once
// Reading the durable event stream of an application, for a reader that must not miss anything
// across restarts (the coming outbound connector):
//   auto after = stream.load_cursor("my-connector", app);
//   for (;;) { auto batch = stream.read(app, after, 500); deliver(batch.events);
//              stream.save_cursor("my-connector", app, batch.last_seq); after = batch.last_seq; }
// Events are numbered 1, 2, 3, ... per application in the order the bus appended them (which keeps
// each device's order), and only durable events are read, so a number once read always names the same
// event. A reader that saves its cursor after delivering gets every event at least once and, if it
// did not die between delivering and saving, exactly once. Numbers the reader never got — trimmed by
// retention before it read them, or unreadable — are counted in `missing`, never skipped silently.

#include "application/event_codec.hpp"
#include "core/log_limiter.hpp"

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::storage {
class event_log;
class cursor_store;
}  // namespace tether::storage

namespace tether::application {

struct stream_event {
  std::uint64_t seq = 0;       // its number in the application's stream
  std::int64_t logged_at = 0;  // Unix ns, when the bus appended it
  application_event event;
};

struct event_batch {
  std::vector<stream_event> events;  // in order
  // The cursor to save once these are delivered: the last number read or found missing (the `after`
  // given when there is nothing new).
  std::uint64_t last_seq = 0;
  // Numbers in (after, last_seq] not in `events`: trimmed before they were read, or undecodable
  // (logged). Zero for a reader that keeps up with retention.
  std::uint64_t missing = 0;
};

class event_stream {
 public:
  event_stream(storage::event_log& log, storage::cursor_store& cursors);

  // Up to `limit` durable events of `application_id` numbered above `after`.
  event_batch read(std::string_view application_id, std::uint64_t after, std::size_t limit);
  // The newest durable number of the application (0: none yet).
  std::uint64_t last_seq(std::string_view application_id);

  // A named reader's saved position (0: from the oldest event kept) and saving it (durable on return).
  std::uint64_t load_cursor(std::string_view reader, std::string_view application_id);
  void save_cursor(std::string_view reader, std::string_view application_id, std::uint64_t seq);
  // The saved position, or nothing when the reader never saved one (a new reader may then start at
  // the end instead of the oldest event kept).
  std::optional<std::uint64_t> find_cursor(std::string_view reader, std::string_view application_id);

 private:
  storage::event_log& log_;
  storage::cursor_store& cursors_;
  std::mutex log_mutex_;
  core::log_limiter missing_log_;
};

}  // namespace tether::application
