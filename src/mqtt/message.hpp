#pragma once
// An application message as the broker routes it: immutable once built and shared by every
// subscriber it is delivered to, so fan-out copies a pointer, not the payload.

#include "mqtt/codec/properties.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace tether::mqtt {

// What an MQTT 5 publisher attached to its message, carried to every subscriber: payload format
// indicator, content type, response topic, correlation data and user properties (section 3.3.2.3).
// The message expiry interval is kept as a deadline and rewritten per delivery.
struct message_extras {
  codec::property_set properties;  // without topic alias, subscription identifiers or expiry
  std::chrono::steady_clock::time_point expires_at = std::chrono::steady_clock::time_point::max();

  bool expires() const noexcept { return expires_at != std::chrono::steady_clock::time_point::max(); }
};

struct message {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
  std::shared_ptr<const message_extras> extras;  // null for MQTT 3.1/3.1.1 publishers
  const void* origin = nullptr;                  // the publisher's session, for No Local; null: none
};

using message_ptr = std::shared_ptr<const message>;

inline message_ptr make_message(std::string topic, std::string payload, std::uint8_t qos, bool retain) {
  return std::make_shared<const message>(message{std::move(topic), std::move(payload), qos, retain, {}, {}});
}

// Expired: not to be delivered any more [MQTT-3.3.2-5].
inline bool expired(const message& m, std::chrono::steady_clock::time_point now) noexcept {
  return m.extras && m.extras->expires() && now >= m.extras->expires_at;
}

}  // namespace tether::mqtt
