#include "lorawan/crypto/mic.hpp"

#include "lorawan/frame/wire.hpp"

#include <algorithm>

namespace tether::lorawan {
namespace {

mic first_four(const aes_block& b) {
  mic m{};
  std::copy_n(b.begin(), m.size(), m.begin());
  return m;
}

}  // namespace

aes_block make_data_block(std::uint8_t tag, direction dir, std::uint32_t dev_addr, std::uint32_t fcnt,
                          std::uint8_t last) {
  aes_block b{};
  b[0] = tag;
  b[5] = static_cast<std::uint8_t>(dir);
  wire::write_le(b.data() + 6, dev_addr, 4);
  wire::write_le(b.data() + 10, fcnt, 4);
  b[15] = last;
  return b;
}

mic compute_data_mic(crypto_context& crypto, const aes_key& nwk_s_key, direction dir, std::uint32_t dev_addr,
                     std::uint32_t fcnt, byte_view msg) {
  // len(msg) fits one byte because a PHYPayload is at most 255 bytes.
  const aes_block b0 = make_data_block(0x49, dir, dev_addr, fcnt, static_cast<std::uint8_t>(msg.size()));
  return first_four(crypto.cmac(nwk_s_key, {b0, msg}));
}

mic compute_join_mic(crypto_context& crypto, const aes_key& app_key, byte_view msg) {
  return first_four(crypto.cmac(app_key, {msg}));
}

}  // namespace tether::lorawan
