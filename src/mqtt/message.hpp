#pragma once
// An application message as the broker routes it: immutable once built and shared by every
// subscriber it is delivered to, so fan-out copies a pointer, not the payload.

#include <cstdint>
#include <memory>
#include <string>

namespace tether::mqtt {

struct message {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
};

using message_ptr = std::shared_ptr<const message>;

inline message_ptr make_message(std::string topic, std::string payload, std::uint8_t qos, bool retain) {
  return std::make_shared<const message>(message{std::move(topic), std::move(payload), qos, retain});
}

}  // namespace tether::mqtt
