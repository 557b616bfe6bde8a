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

// A frame of a known device that the core dropped (MIC by an older counter, counter gap, DevNonce
// reused, ...): what an operator debugging the device wants to see. Frames of no known device
// (unknown DevAddr, no MIC match) concern no device and raise none. `reason` is the drop counter's
// name (network/counters.hpp), `detail` the log line's explanation.
struct drop_event {
  device_ids ids;
  std::string reason;
  std::string detail;
  std::uint32_t f_cnt = 0;  // the frame's 16 bits as received (0 for a join-request)
  std::vector<network::rx_metadata> rx_metadata;
  time_point at{};
  std::vector<std::string> correlation_ids;
  friend bool operator==(const drop_event&, const drop_event&) = default;
};

// What happened to a gateway's connection, as the gateway hub sees it.
enum class gateway_event_kind : std::uint8_t { connect = 1, disconnect = 2, status = 3, drop = 4 };

struct gateway_event {
  gateway_event_kind kind = gateway_event_kind::connect;
  std::string gateway_id;
  std::string protocol;                  // connect: "ttsv3", "ttnv2", ...
  std::string remote_address;            // connect
  std::string reason;                    // drop: why the gateway's message was refused
  std::optional<gateway_status> status;  // status
  time_point at{};
  friend bool operator==(const gateway_event&, const gateway_event&) = default;
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
  // A frame of a known device was dropped (kept for the device's event stream, not delivered to
  // application frontends).
  virtual void on_drop(const drop_event& /*event*/) {}
  // From the gateway hub (any worker, outside its lock): connect, disconnect, status, drop.
  virtual void on_gateway(const gateway_event& /*event*/) {}
};

}  // namespace tether::network
