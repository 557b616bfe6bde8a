#pragma once
// The opaque token stamped on antenna 0's rx_metadata: the network core hands it back with a
// downlink so the frontend knows gateway, antenna and concentrator time without lookup state.
// Encoded as The Things Stack's UplinkToken message.

#include "gateway/ttsv3/codec_error.hpp"
#include "network/radio.hpp"

#include <cstdint>
#include <span>
#include <string>

namespace tether::gateway::ttsv3 {

struct uplink_token {
  std::string gateway_id;
  std::uint32_t antenna_index = 0;
  std::uint32_t timestamp = 0;  // rx_metadata.timestamp: concentrator µs at RX end
  network::time_point server_time{};
  friend bool operator==(const uplink_token&, const uplink_token&) = default;
};

network::bytes encode_uplink_token(const uplink_token& t);
result<uplink_token> decode_uplink_token(std::span<const std::uint8_t> bytes);

}  // namespace tether::gateway::ttsv3
