#include "lorawan/crypto/join_accept_cipher.hpp"

namespace tether::lorawan {
namespace {

bool valid_size(byte_view frame) { return frame.size() == 17 || frame.size() == 33; }

}  // namespace

result<bytes> encrypt_join_accept(crypto_context& crypto, const aes_key& app_key, byte_view clear) {
  if (!valid_size(clear)) return lorawan_error::invalid_join_accept;
  bytes out(clear.begin(), clear.end());
  crypto.aes_decrypt(app_key, clear.subspan(1), out.data() + 1);
  return out;
}

result<bytes> decrypt_join_accept(crypto_context& crypto, const aes_key& app_key, byte_view wire) {
  if (!valid_size(wire)) return lorawan_error::invalid_join_accept;
  bytes out(wire.begin(), wire.end());
  crypto.aes_encrypt(app_key, wire.subspan(1), out.data() + 1);
  return out;
}

}  // namespace tether::lorawan
