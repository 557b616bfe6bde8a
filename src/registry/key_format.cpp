#include "registry/key_format.hpp"

#include "core/base32.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

namespace tether::registry {

namespace {

constexpr std::size_t key_id_bytes = 24;  // 39 base32 characters
constexpr std::size_t secret_bytes = 32;  // 52 base32 characters, 256 bits
constexpr std::size_t key_id_chars = (key_id_bytes * 8 + 4) / 5;
constexpr std::size_t secret_chars = (secret_bytes * 8 + 4) / 5;

std::string random_base32(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("the random number generator failed");
  }
  return core::to_base32(raw);
}

}  // namespace

key_parts generate_key() { return {random_base32(key_id_bytes), random_base32(secret_bytes)}; }

std::string format_key(const key_parts& parts) {
  return std::string(api_key_prefix) + '.' + parts.key_id + '.' + parts.secret;
}

std::optional<key_parts> parse_key(std::string_view text) {
  if (!text.starts_with(api_key_prefix) ||
      text.size() != api_key_prefix.size() + 2 + key_id_chars + secret_chars) {
    return std::nullopt;
  }
  text.remove_prefix(api_key_prefix.size());
  if (text[0] != '.' || text[1 + key_id_chars] != '.') return std::nullopt;
  auto id = text.substr(1, key_id_chars);
  auto secret = text.substr(2 + key_id_chars);
  if (!core::is_base32(id) || !core::is_base32(secret)) return std::nullopt;
  return key_parts{std::string(id), std::string(secret)};
}

std::string hash_secret(std::string_view secret) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

bool hashes_equal(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tether::registry
