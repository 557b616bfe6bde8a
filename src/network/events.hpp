#pragma once
// What the network core tells applications, as plain structs: a device joined, a device sent data.
// They carry what The Things Stack's application JSON needs (end_device_ids, uplink_message,
// join_accept); the application layer renders them. The core owns the sink interface because
// application/ depends on network/, never the reverse.

#include "core/dev_addr.hpp"
#include "core/eui64.hpp"
#include "network/radio.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tether::network {

struct downlink_event;  // downlinks.hpp

struct device_ids {
  std::string application_id;
  std::string device_id;
  std::optional<core::eui64> dev_eui;  // ABP devices may have none
  std::optional<core::eui64> join_eui;
  core::dev_addr dev_addr{};
  friend bool operator==(const device_ids&, const device_ids&) = default;
};

struct join_event {
  device_ids ids;
  bytes session_key_id;      // opaque, stable for the session; never the key itself
  std::uint32_t net_id = 0;  // 24 bits
  time_point received_at{};  // when the network core processed the join-request
  std::vector<std::string> correlation_ids;
  friend bool operator==(const join_event&, const join_event&) = default;
};

// The receive windows a data uplink opened, as the core planned them when it accepted the frame: what an
// application needs to answer in them (the Data API's downlink_request). Server time; RX2 follows RX1.
struct answer_windows {
  time_point rx1{};
  std::uint8_t rx1_data_rate_index = 0;
  time_point rx2{};
  std::uint8_t rx2_data_rate_index = 0;
  std::uint32_t f_cnt_down = 0;  // the counter the next downlink will use
  friend bool operator==(const answer_windows&, const answer_windows&) = default;
};

struct uplink_event {
  device_ids ids;
  bytes session_key_id;
  std::uint8_t f_port = 0;  // 1..255: frames without application data raise no event
  std::uint32_t f_cnt = 0;  // the full 32-bit counter
  bytes frm_payload;        // decrypted
  bool confirmed = false;
  std::vector<network::rx_metadata> rx_metadata;  // every gateway's copy, best first
  tx_settings settings;
  std::uint8_t data_rate_index = 0;
  std::string band_id;       // "EU_863_870"; version_ids.band_id in TTS JSON
  std::uint32_t net_id = 0;  // network_ids.net_id
  time_point received_at{};  // when the network core processed the frame
  std::chrono::nanoseconds consumed_airtime{0};
  std::vector<std::string> correlation_ids;
  bytes encrypted_frm_payload;            // FRMPayload as the device sent it
  std::optional<answer_windows> windows;  // none when the device cannot be answered (previous session)
  friend bool operator==(const uplink_event&, const uplink_event&) = default;
};

// Where the core sends application events (implemented by application::bus). Called from the
// network core's shard threads, several at once: implementations must be thread-safe and must not
// block (hand the event to a bounded queue and return).
class event_sink {
 public:
  virtual ~event_sink() = default;
  virtual void on_join(const join_event& event) = 0;
  virtual void on_uplink(const uplink_event& event) = 0;
  // What became of an application downlink (queued, sent, ack, nack, failed); see downlinks.hpp.
  virtual void on_downlink(const downlink_event& /*event*/) {}
};

}  // namespace tether::network
