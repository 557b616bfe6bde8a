#pragma once
// LoRaWAN 1.0.x session key derivation from the AppKey after a join.

#include "lorawan/crypto/crypto_context.hpp"
#include "lorawan/types.hpp"

namespace tether::lorawan {

struct session_keys {
  aes_key nwk_s_key{};
  aes_key app_s_key{};
  bool operator==(const session_keys&) const = default;
};

// Nonces and NetID in display form (numbers); they enter the blocks in wire (little-endian) order.
session_keys derive_session_keys(crypto_context& crypto, const aes_key& app_key, std::uint32_t join_nonce,
                                 std::uint32_t net_id, std::uint16_t dev_nonce);

}  // namespace tether::lorawan
