#pragma once
// AES-128 primitives on OpenSSL 3 contexts that live as long as this object: one context per thread,
// reused for every frame, so the hot path allocates nothing. The last key of each context is cached, so
// frames of one session skip the key schedule. Not thread-safe; give each worker its own.

#include "lorawan/types.hpp"

#include <openssl/types.h>

#include <initializer_list>

namespace tether::lorawan {

class crypto_context {
 public:
  // Throws std::runtime_error when OpenSSL lacks AES-128-ECB or CMAC (a broken installation).
  crypto_context();
  ~crypto_context();
  crypto_context(const crypto_context&) = delete;
  crypto_context& operator=(const crypto_context&) = delete;

  // `in` is a multiple of 16 bytes; `out` has room for as many (it may equal in.data()).
  void aes_encrypt(const aes_key& key, byte_view in, std::uint8_t* out);
  void aes_decrypt(const aes_key& key, byte_view in, std::uint8_t* out);
  aes_block aes_encrypt(const aes_key& key, const aes_block& in);
  // AES-CMAC (RFC 4493) over the concatenation of `parts`.
  aes_block cmac(const aes_key& key, std::initializer_list<byte_view> parts);

 private:
  void set_key(EVP_CIPHER_CTX* ctx, bool encrypt, const aes_key& key, aes_key& cached, bool& has_key);

  EVP_CIPHER* aes_ = nullptr;
  EVP_CIPHER_CTX* encrypt_ = nullptr;
  EVP_CIPHER_CTX* decrypt_ = nullptr;
  EVP_MAC* mac_ = nullptr;
  EVP_MAC_CTX* cmac_ = nullptr;
  aes_key encrypt_key_{};
  aes_key decrypt_key_{};
  aes_key cmac_key_{};
  bool has_encrypt_key_ = false;
  bool has_decrypt_key_ = false;
  bool has_cmac_key_ = false;
};

}  // namespace tether::lorawan
