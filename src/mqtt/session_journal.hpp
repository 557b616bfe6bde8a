#pragma once
// The durable record of one realm's persistent MQTT state: persistent sessions, their
// subscriptions and queued QoS 1/2 messages, and retained messages. The engine owns this interface
// and storage implements it. Calls record a change as it happens in memory (under the session's
// lock where order matters), so they must be cheap: an implementation queues them for a writer
// that commits in groups. An acknowledgement that promises durability (PUBACK, PUBREC) waits for
// `when_durable`.

#include "mqtt/message.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tether::mqtt {

class session_journal {
 public:
  using ticket = std::uint64_t;

  virtual ~session_journal() = default;

  virtual void session_opened(std::string_view client_id) = 0;
  // The session ended (or was replaced by a clean one): forget it with all it holds.
  virtual void session_closed(std::string_view client_id) = 0;
  virtual void subscribed(std::string_view client_id, std::string_view filter, std::uint8_t qos) = 0;
  virtual void unsubscribed(std::string_view client_id, std::string_view filter) = 0;
  virtual void queued(std::string_view client_id, std::uint64_t seq, const message_ptr& msg, std::uint8_t qos,
                      bool retain) = 0;
  // QoS 2: PUBREC received for `packet_id`; only PUBREL remains to be sent.
  virtual void released(std::string_view client_id, std::uint64_t seq, std::uint16_t packet_id) = 0;
  // Acknowledged by the client: forget the message.
  virtual void delivered(std::string_view client_id, std::uint64_t seq) = 0;
  // Stores or (empty payload) clears a retained message.
  virtual void retained(const message_ptr& msg) = 0;

  // A ticket covering everything recorded so far, on any thread.
  virtual ticket mark() = 0;
  // Calls `done` (on a storage thread) once everything up to `t` is on disk.
  virtual void when_durable(ticket t, std::function<void()> done) = 0;
};

struct restored_message {
  std::uint64_t seq = 0;
  message_ptr msg;
  std::uint8_t qos = 0;
  bool retain = false;
  std::uint16_t released_packet_id = 0;  // non-zero: PUBREC was received, PUBREL is due
};

struct restored_session {
  std::string client_id;
  std::map<std::string, std::uint8_t> subscriptions;
  std::vector<restored_message> queue;  // in seq order
};

struct restored_state {
  std::vector<restored_session> sessions;
  std::vector<message_ptr> retained;
};

}  // namespace tether::mqtt
