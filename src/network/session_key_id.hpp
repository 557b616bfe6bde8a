#pragma once
// The session key ID applications see (TTS session_key_id): names a session without revealing its
// keys, and is recomputed from the stored session, so it needs no column of its own.

#include "lorawan/crypto/crypto_context.hpp"
#include "network/session_persistence.hpp"

#include <cstdint>
#include <vector>

namespace tether::network {

// CMAC under the NwkSKey of a fixed label and the DevAddr: 16 bytes, unique per session.
std::vector<std::uint8_t> session_key_id(lorawan::crypto_context& crypto, const core::aes_key& nwk_s_key,
                                         const core::dev_addr& dev_addr);
inline std::vector<std::uint8_t> session_key_id(lorawan::crypto_context& crypto, const session_record& s) {
  return session_key_id(crypto, s.nwk_s_key, s.dev_addr);
}

}  // namespace tether::network
