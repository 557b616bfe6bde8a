#include "iotp/registry_token.hpp"

#include "registry/key_format.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace tether::iotp {
namespace {

constexpr std::size_t salt_bytes = 16;
constexpr std::size_t digest_bytes = 32;
constexpr std::string_view alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

void random_bytes(std::string& out) {
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) != 1) {
    throw std::runtime_error("the random number generator failed");
  }
}

}  // namespace

bool is_valid_token(std::string_view token) noexcept {
  return token.size() >= min_token_length && token.size() <= max_token_length &&
         std::all_of(token.begin(), token.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

std::string random_alnum(std::size_t length, bool lower) {
  const std::size_t range = lower ? 36 : alphabet.size();
  // Bytes at or above the largest multiple of `range` are redrawn, so every character is equally likely.
  const unsigned limit = 256 - 256 % range;
  std::string out;
  std::string pool(64, '\0');
  while (out.size() < length) {
    random_bytes(pool);
    for (unsigned char b : pool) {
      if (b >= limit) continue;
      out += alphabet[b % range];
      if (out.size() == length) break;
    }
  }
  return out;
}

std::string generate_token() { return random_alnum(generated_token_length); }

std::string hash_token(std::string_view token) {
  std::string salt(salt_bytes, '\0');
  random_bytes(salt);
  std::string salted = salt;
  salted.append(token);
  return salt + registry::hash_secret(salted);
}

bool token_matches(std::string_view stored, std::string_view token) {
  if (stored.size() != salt_bytes + digest_bytes) return false;
  std::string salted(stored.substr(0, salt_bytes));
  salted.append(token);
  return registry::hashes_equal(registry::hash_secret(salted), stored.substr(salt_bytes));
}

}  // namespace tether::iotp
