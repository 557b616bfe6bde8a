#pragma once
// The TTN v2 gateway connector wire format (bare protobuf on {id}/up, {id}/status, {id}/down and the
// shared `connect`/`disconnect` topics; spec/ttn-v2.md §1, §2) translated to and from the neutral radio
// structs of network/radio.hpp. Protobuf stays inside the .cpp files of this folder.
//
// Mapping (both ways): lorawan data_rate "SF{sf}BW{kHz}" <-> lora_data_rate, FSK bit_rate <->
// fsk_data_rate, coding_rate as is; gateway timestamp (32-bit µs, wrapping) <-> settings/rx timestamp;
// time (Unix ns, 0 = none) <-> time; channel <-> channel_index; antennas[] <-> one rx_metadata each (or
// one antenna 0 from the top-level rssi/snr); location (old `gps`) <-> location, dropped when the
// bridge would drop it (zero, |lat| >= 89.99, |lon| > 180). Status: versions platform, hal, fpga, dsp,
// frequency_plan, description, contact_email; metrics rxin, rxok, txin, txok (always), lmok, lmst,
// lmnw, lpps, rtt_ms (when non-zero), load_1, load_5, load_15, cpu_percentage, memory_percentage, temp
// (when `os` is present). Downlink: power = EIRP - 2 dB (as The Things Stack), rf_chain 0, FSK
// frequency_deviation = bit_rate / 2. The uplink frequency plan enum and the parsed `message` are not
// carried (the core decodes the PHYPayload with the device's own band). The enum has no place in the v3
// metadata either: RxMetadata and TxSettings carry none, and the `band_id` The Things Stack adds
// internally comes from the gateway's registered frequency plan, not from the uplink. Nor is it reliable:
// the C library and mp_pkt_fwd never set it, so it reads EU_863_870 (0) from every gateway, US915 ones
// included; the data rate string carries what the enum was used for (SF and bandwidth). The status's
// `frequency_plan` string (from the gateway's configuration) is kept, among the versions.

#include "gateway/ttnv2/codec_error.hpp"
#include "network/radio.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tether::gateway::ttnv2 {

// More antennas than any concentrator board has; bounds the work one publish can cause.
inline constexpr std::size_t max_antennas = 8;

// "SF7BW125" <-> {125000, 7}; nullopt when it is not of that form (SF 5..12, BW 125/250/500).
std::optional<network::lora_data_rate> parse_data_rate(std::string_view s);
std::string format_data_rate(const network::lora_data_rate& dr);

// Server side (the format the realm uses). gateway_id is the authenticated connection's gateway;
// received_at the server time the PUBLISH arrived.
result<network::gateway_uplink> decode_uplink(std::span<const std::uint8_t> payload,
                                              std::string_view gateway_id, network::time_point received_at);
result<network::gateway_status> decode_status(std::span<const std::uint8_t> payload,
                                              std::string_view gateway_id, network::time_point received_at);
std::string encode_downlink(const network::downlink_tx& tx);

// A ConnectMessage or DisconnectMessage (the same fields). `id` as sent (the realm compares it lower-cased).
struct session_message {
  std::string id;
  std::string key;
  friend bool operator==(const session_message&, const session_message&) = default;
};
result<session_message> decode_session_message(std::span<const std::uint8_t> payload);
// Whether a session message on `topic` ("connect" or "disconnect") names the connection's gateway and key.
boost::system::error_code check_session_message(std::string_view topic, std::span<const std::uint8_t> payload,
                                                std::string_view gateway_id, std::string_view key);

// Gateway side (tests, fuzzing, the bench): the inverse translations.
std::string encode_uplink(const network::gateway_uplink& up);
std::string encode_status(const network::gateway_status& s);
std::string encode_session_message(const session_message& m);
result<network::downlink_tx> decode_downlink(std::span<const std::uint8_t> payload);

}  // namespace tether::gateway::ttnv2
