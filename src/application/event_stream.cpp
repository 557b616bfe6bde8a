#include "application/event_stream.hpp"

#include "storage/cursor_store.hpp"
#include "storage/event_log.hpp"

#include <spdlog/spdlog.h>

namespace tether::application {

event_stream::event_stream(storage::event_log& log, storage::cursor_store& cursors)
    : log_(log), cursors_(cursors) {}

event_batch event_stream::read(std::string_view application_id, std::uint64_t after, std::size_t limit) {
  // The head first: every number up to it is durable, so one absent from the read was trimmed.
  const auto head = log_.last_durable_seq(application_id);
  auto entries = log_.read(application_id, after, limit);
  event_batch batch;
  batch.last_seq = after;
  std::uint64_t undecodable = 0;
  for (auto& entry : entries) {
    batch.missing += entry.seq - batch.last_seq - 1;
    batch.last_seq = entry.seq;
    try {
      auto event = decode_event(entry.payload, "event " + entry.stream + "#" + std::to_string(entry.seq));
      batch.events.push_back({entry.seq, entry.at, std::move(event)});
    } catch (const std::exception& e) {
      ++undecodable;
      ++batch.missing;
      spdlog::warn("event stream: {}", e.what());
    }
  }
  if (entries.empty() && head > after) {
    batch.missing = head - after;  // all trimmed: the reader moves past them
    batch.last_seq = head;
  }
  if (batch.missing > undecodable) {
    std::lock_guard lock(log_mutex_);
    if (auto n = missing_log_.due()) {
      spdlog::warn("event stream {}: {} event(s) after #{} were trimmed before this read{}", application_id,
                   batch.missing - undecodable, after, core::repeat_note(*n));
    }
  }
  return batch;
}

std::uint64_t event_stream::last_seq(std::string_view application_id) {
  return log_.last_durable_seq(application_id);
}

std::uint64_t event_stream::load_cursor(std::string_view reader, std::string_view application_id) {
  return cursors_.load(reader, application_id);
}

void event_stream::save_cursor(std::string_view reader, std::string_view application_id, std::uint64_t seq) {
  cursors_.save(reader, application_id, seq);
}

std::optional<std::uint64_t> event_stream::find_cursor(std::string_view reader,
                                                       std::string_view application_id) {
  for (const auto& c : cursors_.list(reader))
    if (c.stream == application_id) return c.seq;
  return std::nullopt;
}

}  // namespace tether::application
