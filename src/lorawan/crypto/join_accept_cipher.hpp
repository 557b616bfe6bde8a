#pragma once
// Join-accept "encryption": the server applies AES *decrypt* so that devices only need AES encrypt.

#include "lorawan/crypto/crypto_context.hpp"
#include "lorawan/error.hpp"
#include "lorawan/types.hpp"

namespace tether::lorawan {

// `clear` is MHDR | body | MIC (17 or 33 bytes); returns the wire form with MHDR kept in clear.
result<bytes> encrypt_join_accept(crypto_context& crypto, const aes_key& app_key, byte_view clear);
// The inverse: wire form in, MHDR | body | MIC in clear out.
result<bytes> decrypt_join_accept(crypto_context& crypto, const aes_key& app_key, byte_view wire);

}  // namespace tether::lorawan
