#pragma once
// Shared with condata (the Data API half of issue 17): change it only together, see
// /work/notes/connector-seam.md.
//
// The seam between a connector's link (transport and delivery: link.*) and its Data API codec
// (JSON, topic templates, downlink_request/response: condata). The link reads the application's
// event stream, asks the renderer for the messages of each event, publishes them QoS 1 in order
// and moves its cursor past an event once all its messages are PUBACK'd. What arrives on topic_down
// goes to the downstream handler; whatever that (or anything else off the stream) wants to publish
// goes through the link's outbox.

#include "application/connector/connector_config.hpp"
#include "application/event_stream.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tether::application::connector {

struct rendered_message {
  message_type type = message_type::uplink;
  std::string topic;    // topic_up expanded
  std::string payload;  // the Data API JSON object
};

struct render_context {
  // The event comes from a replay (produced before the link's last connect, or while it was down):
  // meta.history is true, and a downlink_request rendered from it cannot be answered in time.
  bool history = false;
};

// Renders one connector's events; built per connector (codec_factory). Called on the link's thread
// only, in stream order.
class message_renderer {
 public:
  virtual ~message_renderer() = default;
  // Appends the messages of `event` (none, one, or e.g. uplink then downlink_request) to `out`. It
  // may skip types not in the connector's `types` (the link drops those anyway, uncounted). Must not
  // throw for any event the stream yields.
  virtual void render(const stream_event& event, const render_context& context,
                      std::vector<rendered_message>& out) = 0;
};

// The link's queue for messages that are not in the event stream (error answers to bad topic_down
// messages, late downlink_response refusals, ...). They are published QoS 1 between stream messages,
// re-sent after a reconnect if unacknowledged, but not replayed after a restart. Thread-safe.
// Overflow: at most 1,000 wait; beyond, post() returns false and the message is counted and logged
// as dropped (reason "outbox_full").
class outbox {
 public:
  virtual ~outbox() = default;
  virtual bool post(rendered_message message) = 0;
};

// Takes what the connector's broker delivers on topic_down (subscribed QoS 1 after each CONNACK).
// Called on the link's thread. A bad message is the handler's to count, log and answer (via out).
class downstream_handler {
 public:
  virtual ~downstream_handler() = default;
  virtual void on_message(std::string_view topic, std::span<const std::uint8_t> payload, outbox& out) = 0;
};

struct connector_codec {
  std::unique_ptr<message_renderer> renderer;      // required
  std::unique_ptr<downstream_handler> downstream;  // null: topic_down messages are counted and dropped
};

// Builds the codec of one connector (called when its link starts or its config changed). The serve
// module gets one from condata's side; tests use a trivial one.
using codec_factory = std::function<connector_codec(const connector_config&)>;

}  // namespace tether::application::connector
