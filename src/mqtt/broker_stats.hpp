#pragma once
// Counters of one broker, published under $SYS/broker/... and on /metrics: traffic, every message
// dropped with its reason, and every connection refused by its CONNACK code. Lock-free; any thread.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tether::mqtt {

// Why the broker dropped a message (the `reason` label of tether_mqtt_publish_drops_total).
enum class drop_reason : std::uint8_t {
  queue_full,            // a subscriber's queue was at its limit (offline session, or the online hard limit)
  session_closed,        // the subscriber's session ended while the message was routed to it
  publish_denied,        // the realm refused the publisher that topic (acknowledged, not delivered)
  retained_store_full,   // not retained: the store holds its maximum of topics (still delivered)
  message_expired,       // MQTT 5: its Message Expiry Interval passed before delivery [MQTT-3.3.2-5]
  too_large_for_client,  // MQTT 5: over the subscriber's Maximum Packet Size [MQTT-3.1.2-25]
  payload_format_invalid,  // MQTT 5: Payload Format Indicator 1 with a payload that is not UTF-8
  count_,
};
inline constexpr std::size_t drop_reason_count = static_cast<std::size_t>(drop_reason::count_);

constexpr std::string_view to_string(drop_reason r) noexcept {
  switch (r) {
    case drop_reason::queue_full:
      return "queue_full";
    case drop_reason::session_closed:
      return "session_closed";
    case drop_reason::publish_denied:
      return "publish_denied";
    case drop_reason::retained_store_full:
      return "retained_store_full";
    case drop_reason::message_expired:
      return "message_expired";
    case drop_reason::too_large_for_client:
      return "too_large_for_client";
    case drop_reason::payload_format_invalid:
      return "payload_format_invalid";
    case drop_reason::count_:
      break;
  }
  return "unknown";
}

struct broker_stats {
  std::atomic<std::uint64_t> clients_connected{0};
  std::atomic<std::uint64_t> clients_total{0};
  std::atomic<std::uint64_t> messages_received{0};
  std::atomic<std::uint64_t> messages_sent{0};
  std::atomic<std::uint64_t> publish_dropped{0};  // every drop_reason but retained_store_full
  std::atomic<std::uint64_t> bytes_received{0};
  std::atomic<std::uint64_t> bytes_sent{0};
  std::atomic<std::uint64_t> protocol_errors{0};
  std::array<std::atomic<std::uint64_t>, drop_reason_count> drops{};
  // By CONNACK return code (3.1.1) or reason code (5.0): one byte either way.
  std::array<std::atomic<std::uint64_t>, 256> connections_refused{};

  void count_drop(drop_reason r) noexcept {
    if (r != drop_reason::retained_store_full) publish_dropped.fetch_add(1, std::memory_order_relaxed);
    drops[static_cast<std::size_t>(r)].fetch_add(1, std::memory_order_relaxed);
  }
  void count_refusal(std::uint8_t code) noexcept {
    connections_refused[code].fetch_add(1, std::memory_order_relaxed);
  }
};

}  // namespace tether::mqtt
