#pragma once
// GET /api/v1/events: one client's live view of the durable event stream (application/event_stream)
// as Server-Sent Events — an application's events, or one device's (?application=ID&device=ID), or a
// gateway's (?gateway=ID: connect, disconnect, status, drop). Every event carries `id:` = its number
// in the stream, so a client that reconnects with `Last-Event-ID: n` gets exactly the events after n:
// none missed, none twice. Without Last-Event-ID the feed starts at the newest event (live only);
// `Last-Event-ID: 0` replays everything retention kept. Numbers retention trimmed before the client
// read them come as one `event: missing` (data {"missing": count}), never skipped silently.
// Only durable events are read, pulled by the server when the client took the previous piece
// (server.hpp), so the feed itself holds one read batch at most.

#include "http/router.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace tether::application {
class event_stream;
struct stream_event;
}  // namespace tether::application

namespace tether::http {

// What a client follows.
struct feed_filter {
  std::string application_id;  // exactly one of application_id and gateway_id
  std::string device_id;       // with application_id; empty: every device
  std::string gateway_id;
  std::string stream() const;  // the event log stream it reads
};

// The filter and starting point of a request, or the 400 that refuses it: unknown or repeated
// parameters, not exactly one of application and gateway, device without application, an invalid ID,
// a Last-Event-ID that is not a decimal number.
struct feed_request {
  feed_filter filter;
  std::optional<std::uint64_t> last_event_id;
};
std::variant<feed_request, response> parse_feed_request(const stream_request& request);

class event_feed final : public event_source {
 public:
  // Reads events numbered above `after`.
  event_feed(application::event_stream& events, feed_filter filter, std::uint64_t after);

  std::string next(std::size_t max_bytes) override;
  std::string position() const override { return std::to_string(after_); }

 private:
  bool wanted(const application::stream_event& e) const;

  application::event_stream& events_;
  feed_filter filter_;
  std::string stream_;
  std::uint64_t after_;
};

// One event as SSE lines ("id: 42\nevent: up\ndata: {...}\n\n"); the data is the TTS-style JSON of
// application/ttsv3 for device events, Tether's own for drops and gateway events.
std::string render_sse(const application::stream_event& e);

}  // namespace tether::http
