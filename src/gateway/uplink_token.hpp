#pragma once
// The opaque token the gateway realm stamps on antenna 0's rx_metadata of every uplink, whatever the
// gateway's format: the network core hands it back in downlink_tx::uplink_token, so a downlink knows
// gateway, antenna and concentrator time without lookup state (The Things Stack's design). The bytes are
// The Things Stack's UplinkToken protobuf message, written and read by hand so that no format's codec
// is needed to make or check one.

#include "network/radio.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tether::gateway {

struct uplink_token {
  std::string gateway_id;
  std::uint32_t antenna_index = 0;
  std::uint32_t timestamp = 0;  // rx_metadata.timestamp: concentrator µs at RX end
  network::time_point server_time{};
  friend bool operator==(const uplink_token&, const uplink_token&) = default;
};

network::bytes encode_uplink_token(const uplink_token& t);
// nullopt for anything encode_uplink_token could not have written (a bug or a forgery): truncated,
// without IDs or server time, an invalid gateway ID, a time outside 1678..2261.
std::optional<uplink_token> decode_uplink_token(std::span<const std::uint8_t> bytes);

// Replaces whatever tokens a gateway claimed: antenna 0 gets a fresh token (only it can transmit a
// Class A answer), every other antenna none. Called by the realm after the format decoded the uplink.
void stamp_uplink_tokens(network::gateway_uplink& up, std::string_view gateway_id);

}  // namespace tether::gateway
