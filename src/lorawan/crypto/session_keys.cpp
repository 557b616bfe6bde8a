#include "lorawan/crypto/session_keys.hpp"

#include "lorawan/frame/wire.hpp"

namespace tether::lorawan {
namespace {

aes_block key_block(std::uint8_t type, std::uint32_t join_nonce, std::uint32_t net_id,
                    std::uint16_t dev_nonce) {
  aes_block b{};
  b[0] = type;
  wire::write_le(b.data() + 1, join_nonce, 3);
  wire::write_le(b.data() + 4, net_id, 3);
  wire::write_le(b.data() + 7, dev_nonce, 2);
  return b;
}

}  // namespace

session_keys derive_session_keys(crypto_context& crypto, const aes_key& app_key, std::uint32_t join_nonce,
                                 std::uint32_t net_id, std::uint16_t dev_nonce) {
  return {crypto.aes_encrypt(app_key, key_block(0x01, join_nonce, net_id, dev_nonce)),
          crypto.aes_encrypt(app_key, key_block(0x02, join_nonce, net_id, dev_nonce))};
}

}  // namespace tether::lorawan
