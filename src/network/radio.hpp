#pragma once
// The radio vocabulary the network core speaks with gateway frontends: what a gateway heard
// (uplink with every antenna's metadata), what it reports (status, TxAck) and what it must transmit.
// Frontends (gateway/ttsv3, gateway/ttnv2, ...) translate their wire formats to and from these plain
// structs; no protobuf or JSON crosses into the core. The core owns them because gateway/ depends
// on network/, never the reverse.

#include "core/eui64.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tether::network {

using time_point = std::chrono::system_clock::time_point;  // nanosecond resolution on Linux
using bytes = std::vector<std::uint8_t>;

struct lora_data_rate {
  std::uint32_t bandwidth = 0;  // Hz
  std::uint32_t spreading_factor = 0;
  std::string coding_rate;  // "4/5"
  friend bool operator==(const lora_data_rate&, const lora_data_rate&) = default;
};
struct fsk_data_rate {
  std::uint32_t bit_rate = 0;  // bps
  friend bool operator==(const fsk_data_rate&, const fsk_data_rate&) = default;
};
struct lrfhss_data_rate {
  std::uint32_t modulation_type = 0;
  std::uint32_t operating_channel_width = 0;  // Hz
  std::string coding_rate;
  friend bool operator==(const lrfhss_data_rate&, const lrfhss_data_rate&) = default;
};
// Exactly one modulation; frontends refuse a message without one.
using data_rate = std::variant<lora_data_rate, fsk_data_rate, lrfhss_data_rate>;

struct tx_settings {
  network::data_rate data_rate;
  std::uint64_t frequency = 0;  // Hz
  bool enable_crc = false;      // uplink only
  std::uint32_t timestamp = 0;  // concentrator µs: RX end on uplink, transmit time on downlink
  std::optional<time_point> time;
  // Downlink only.
  std::uint32_t antenna_index = 0;
  float tx_power = 0;  // dBm EIRP
  bool invert_polarization = false;
  friend bool operator==(const tx_settings&, const tx_settings&) = default;
};

enum class location_source : std::uint8_t {
  unknown = 0,
  gps = 1,
  registry = 3,
  ip_geolocation = 4,
  wifi_rssi_geolocation = 5,
  bt_rssi_geolocation = 6,
  lora_rssi_geolocation = 7,
  lora_tdoa_geolocation = 8,
  combined_geolocation = 9,
};

struct location {
  double latitude = 0;
  double longitude = 0;
  std::int32_t altitude = 0;  // m
  std::int32_t accuracy = 0;  // m
  location_source source = location_source::unknown;
  friend bool operator==(const location&, const location&) = default;
};

// One antenna's reception of an uplink.
struct rx_metadata {
  std::string gateway_id;
  std::optional<core::eui64> gateway_eui;
  std::uint32_t antenna_index = 0;
  std::optional<time_point> time;  // gateway time at RX end
  std::uint32_t timestamp = 0;     // concentrator µs at RX end: drives RX1/RX2
  std::uint64_t fine_timestamp = 0;
  float rssi = 0;
  std::optional<float> signal_rssi;
  float channel_rssi = 0;
  float rssi_standard_deviation = 0;
  float snr = 0;
  std::int64_t frequency_offset = 0;
  std::optional<network::location> location;
  std::uint32_t channel_index = 0;
  std::optional<time_point> gps_time;
  time_point received_at{};
  // Opaque to the core: written by the frontend, handed back with a downlink to route it.
  bytes uplink_token;
  friend bool operator==(const rx_metadata&, const rx_metadata&) = default;
};

struct gateway_uplink {
  bytes raw_payload;  // PHYPayload
  tx_settings settings;
  std::vector<network::rx_metadata> rx_metadata;
  time_point received_at{};  // server time of arrival
  std::vector<std::string> correlation_ids;
  friend bool operator==(const gateway_uplink&, const gateway_uplink&) = default;
};

struct gateway_status {
  std::string gateway_id;
  std::optional<time_point> time;
  std::optional<time_point> boot_time;
  std::map<std::string, std::string> versions;
  std::vector<location> antenna_locations;
  std::vector<std::string> ips;
  std::map<std::string, float> metrics;
  time_point received_at{};
  friend bool operator==(const gateway_status&, const gateway_status&) = default;
};

enum class tx_result : std::uint8_t {
  success = 0,
  unknown_error = 1,
  too_late = 2,
  too_early = 3,
  collision_packet = 4,
  collision_beacon = 5,
  tx_freq = 6,
  tx_power = 7,
  gps_unlocked = 8,
};

struct tx_ack {
  std::string gateway_id;
  std::vector<std::string> correlation_ids;
  tx_result result = tx_result::success;
  std::uint64_t downlink_id = 0;  // the downlink_tx it answers; 0 when the frontend could not match it
  time_point received_at{};
  friend bool operator==(const tx_ack&, const tx_ack&) = default;
};

// A downlink the scheduler decided: when, where and how to transmit.
struct downlink_tx {
  std::uint64_t id = 0;    // unique per server run; comes back in tx_ack::downlink_id
  std::string gateway_id;  // the gateway that transmits
  bytes uplink_token;      // Class A: the token of the uplink it answers (may be empty for Class C)
  bytes raw_payload;       // PHYPayload
  tx_settings scheduled;   // data_rate, frequency, timestamp or time, antenna, power, polarity
  std::vector<std::string> correlation_ids;
  friend bool operator==(const downlink_tx&, const downlink_tx&) = default;
};

// What the gateway side did with a downlink the core handed it.
enum class send_result : std::uint8_t {
  not_connected,    // the gateway is not connected: try another path or window
  refused,          // the gateway is connected but can never transmit this frame (send_outcome::refusal)
  awaiting_tx_ack,  // handed to a gateway whose protocol acknowledges transmissions: a tx_ack follows
  sent,             // handed to a gateway whose protocol never acknowledges (TTN v2): count it sent now
};

// Why a gateway refused a frame for good (a downlink larger than a TTN v2 gateway can read, ...), named
// as The Things Stack names errors: `name` in snake_case for programs, `message` for people.
struct send_refusal {
  std::string name;
  std::string message;
  friend bool operator==(const send_refusal&, const send_refusal&) = default;
};

// A send_result and, when refused, why. Built from a bare send_result for every other result.
struct send_outcome {
  send_result result = send_result::not_connected;
  send_refusal refusal;                                                    // refused only
  send_outcome(send_result r = send_result::not_connected) : result(r) {}  // NOLINT: implicit by design
  explicit send_outcome(send_refusal why) : result(send_result::refused), refusal(std::move(why)) {}
  friend bool operator==(const send_outcome& o, send_result r) { return o.result == r; }
};

// Where the core sends downlinks (implemented by gateway::hub).
class downlink_sink {
 public:
  virtual ~downlink_sink() = default;
  virtual send_outcome send_downlink(const downlink_tx& tx) = 0;
};

// What gateway frontends feed into (implemented by network::server; the hub forwards to it).
class uplink_handler {
 public:
  virtual ~uplink_handler() = default;
  virtual void handle_uplink(gateway_uplink up) = 0;
  virtual void handle_status(const gateway_status& status) = 0;
  virtual void handle_tx_ack(const tx_ack& ack) = 0;
};

}  // namespace tether::network
