#include "lorawan/crypto/payload_cipher.hpp"

#include "lorawan/crypto/mic.hpp"

#include <algorithm>

namespace tether::lorawan {

void crypt_frm_payload(crypto_context& crypto, const aes_key& key, direction dir, std::uint32_t dev_addr,
                       std::uint32_t fcnt, byte_view in, std::uint8_t* out) {
  // A PHYPayload holds at most 255 bytes, so 16 keystream blocks always suffice.
  constexpr std::size_t max_blocks = 16;
  const std::size_t blocks = std::min((in.size() + 15) / 16, max_blocks);
  std::array<std::uint8_t, max_blocks * 16> stream;
  for (std::size_t i = 0; i < blocks; ++i) {
    const aes_block a = make_data_block(0x01, dir, dev_addr, fcnt, static_cast<std::uint8_t>(i + 1));
    std::copy(a.begin(), a.end(), stream.begin() + static_cast<std::ptrdiff_t>(i * 16));
  }
  crypto.aes_encrypt(key, byte_view(stream.data(), blocks * 16), stream.data());
  const std::size_t n = std::min(in.size(), blocks * 16);
  for (std::size_t i = 0; i < n; ++i) out[i] = in[i] ^ stream[i];
}

}  // namespace tether::lorawan
