#pragma once
// API key text and secret hashing. A key reads like The Things Stack's: NNSXS.<KEY ID>.<SECRET>, where
// the key ID is 24 random bytes and the secret 32 random bytes, both base32 (upper case, unpadded: 39
// and 52 characters). The key ID is public and indexes the key; only SHA-256(secret) is stored.
//
// Why a plain SHA-256 and not bcrypt/argon2: the secret is 256 random bits, not a password a person
// chose, so there is nothing to brute-force from the hash and a slow hash would only slow down every
// CONNECT. The lookup goes by key ID, so the hash comparison is one constant-time 32-byte compare.

#include <optional>
#include <string>
#include <string_view>

namespace tether::registry {

constexpr std::string_view api_key_prefix = "NNSXS";

struct key_parts {
  std::string key_id;
  std::string secret;
};

// A fresh key from the OpenSSL CSPRNG (throws std::runtime_error if it has no entropy).
key_parts generate_key();
// "NNSXS.<KEY ID>.<SECRET>"
std::string format_key(const key_parts& parts);
// nullopt unless `text` has the prefix, two base32 parts of the generated lengths and nothing else.
std::optional<key_parts> parse_key(std::string_view text);

// SHA-256 of the secret (32 raw bytes).
std::string hash_secret(std::string_view secret);
// Constant-time comparison of two hashes (CRYPTO_memcmp); false when the lengths differ.
bool hashes_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace tether::registry
