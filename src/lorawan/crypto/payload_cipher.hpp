#pragma once
// FRMPayload encryption (AES-CTR-like keystream of Ai blocks); the same call encrypts and decrypts.

#include "lorawan/crypto/crypto_context.hpp"
#include "lorawan/types.hpp"

namespace tether::lorawan {

// Writes in.size() bytes to `out` (which may alias in). Key: NwkSKey for FPort 0, AppSKey otherwise.
void crypt_frm_payload(crypto_context& crypto, const aes_key& key, direction dir, std::uint32_t dev_addr,
                       std::uint32_t fcnt, byte_view in, std::uint8_t* out);

}  // namespace tether::lorawan
