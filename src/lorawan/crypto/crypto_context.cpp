#include "lorawan/crypto/crypto_context.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <stdexcept>

namespace tether::lorawan {
namespace {

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("OpenSSL: ") + what);
}

}  // namespace

crypto_context::crypto_context() {
  aes_ = EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr);
  encrypt_ = EVP_CIPHER_CTX_new();
  decrypt_ = EVP_CIPHER_CTX_new();
  mac_ = EVP_MAC_fetch(nullptr, "CMAC", nullptr);
  cmac_ = mac_ ? EVP_MAC_CTX_new(mac_) : nullptr;
  require(aes_ && encrypt_ && decrypt_ && mac_ && cmac_, "AES-128-ECB or CMAC unavailable");
  require(EVP_EncryptInit_ex2(encrypt_, aes_, nullptr, nullptr, nullptr) == 1, "AES encrypt init");
  require(EVP_DecryptInit_ex2(decrypt_, aes_, nullptr, nullptr, nullptr) == 1, "AES decrypt init");
  EVP_CIPHER_CTX_set_padding(encrypt_, 0);
  EVP_CIPHER_CTX_set_padding(decrypt_, 0);
  char cipher_name[] = "AES-128-CBC";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher_name, 0),
                               OSSL_PARAM_construct_end()};
  require(EVP_MAC_CTX_set_params(cmac_, params) == 1, "CMAC cipher");
}

crypto_context::~crypto_context() {
  EVP_MAC_CTX_free(cmac_);
  EVP_MAC_free(mac_);
  EVP_CIPHER_CTX_free(decrypt_);
  EVP_CIPHER_CTX_free(encrypt_);
  EVP_CIPHER_free(aes_);
}

void crypto_context::set_key(EVP_CIPHER_CTX* ctx, bool encrypt, const aes_key& key, aes_key& cached,
                             bool& has_key) {
  if (has_key && cached == key) return;
  const int ok = encrypt ? EVP_EncryptInit_ex2(ctx, nullptr, key.data(), nullptr, nullptr)
                         : EVP_DecryptInit_ex2(ctx, nullptr, key.data(), nullptr, nullptr);
  require(ok == 1, "AES key");
  cached = key;
  has_key = true;
}

void crypto_context::aes_encrypt(const aes_key& key, byte_view in, std::uint8_t* out) {
  set_key(encrypt_, true, key, encrypt_key_, has_encrypt_key_);
  int out_len = 0;
  require(EVP_EncryptUpdate(encrypt_, out, &out_len, in.data(), static_cast<int>(in.size())) == 1, "AES");
}

void crypto_context::aes_decrypt(const aes_key& key, byte_view in, std::uint8_t* out) {
  set_key(decrypt_, false, key, decrypt_key_, has_decrypt_key_);
  int out_len = 0;
  require(EVP_DecryptUpdate(decrypt_, out, &out_len, in.data(), static_cast<int>(in.size())) == 1, "AES");
}

aes_block crypto_context::aes_encrypt(const aes_key& key, const aes_block& in) {
  aes_block out{};
  aes_encrypt(key, in, out.data());
  return out;
}

aes_block crypto_context::cmac(const aes_key& key, std::initializer_list<byte_view> parts) {
  // A null key re-initialises CMAC with the key it already holds.
  const bool same_key = has_cmac_key_ && cmac_key_ == key;
  require(EVP_MAC_init(cmac_, same_key ? nullptr : key.data(), same_key ? 0 : key.size(), nullptr) == 1,
          "CMAC init");
  cmac_key_ = key;
  has_cmac_key_ = true;
  for (byte_view part : parts) require(EVP_MAC_update(cmac_, part.data(), part.size()) == 1, "CMAC update");
  aes_block out{};
  std::size_t out_len = 0;
  require(EVP_MAC_final(cmac_, out.data(), &out_len, out.size()) == 1, "CMAC final");
  return out;
}

}  // namespace tether::lorawan
