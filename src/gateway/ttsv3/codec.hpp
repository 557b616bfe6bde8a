#pragma once
// The Things Stack v3 gateway wire format (bare protobuf on v3/{gateway}/up, /status, /down/ack and
// /down) translated to and from the neutral radio structs of network/radio.hpp. Protobuf stays inside
// the .cpp files of this folder.

#include "gateway/ttsv3/codec_error.hpp"
#include "network/radio.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tether::gateway::ttsv3 {

// More antennas than any concentrator board has; bounds the work one publish can cause.
inline constexpr std::size_t max_antennas = 8;
inline constexpr std::size_t max_correlation_id_length = 100;

// Server side (the format the realm uses). gateway_id is the authenticated connection's gateway; received_at
// the server time the PUBLISH arrived, which overwrites whatever the gateway claims.
result<network::gateway_uplink> decode_uplink(std::span<const std::uint8_t> payload,
                                              std::string_view gateway_id, network::time_point received_at);
result<network::gateway_status> decode_status(std::span<const std::uint8_t> payload,
                                              std::string_view gateway_id, network::time_point received_at);
result<network::tx_ack> decode_tx_ack(std::span<const std::uint8_t> payload, std::string_view gateway_id,
                                      network::time_point received_at);
// GatewayDown{DownlinkMessage{raw_payload, scheduled, correlation_ids}}.
std::string encode_gateway_down(const network::downlink_tx& tx);

// Gateway side (tether sim and tests): the inverse translations.
std::string encode_uplink(const network::gateway_uplink& up);
std::string encode_status(const network::gateway_status& s);
std::string encode_tx_ack(const network::tx_ack& ack);
result<network::downlink_tx> decode_gateway_down(std::span<const std::uint8_t> payload);

}  // namespace tether::gateway::ttsv3
