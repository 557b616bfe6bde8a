#pragma once
// Auth tokens of devices, gateways and API keys. A token is 8 to 36 printable ASCII characters without
// spaces (the platform's bounds), given by the user or generated: 24 letters and digits from the OpenSSL
// CSPRNG (about 143 bits). The registry keeps salt || SHA-256(salt || token), with a 16-byte random salt.
//
// Why a salted SHA-256, the class of hash registry/key_format uses for API key secrets: a generated
// token has nothing to brute-force; a token a person chose may be weak, and the salt at least keeps two
// equal tokens from having one hash and a precomputed table from fitting every database. A slow hash
// (bcrypt, argon2) would slow every CONNECT of 10,000 devices. Checks compare in constant time.

#include <cstddef>
#include <string>
#include <string_view>

namespace tether::iotp {

constexpr std::size_t min_token_length = 8;
constexpr std::size_t max_token_length = 36;
constexpr std::size_t generated_token_length = 24;

bool is_valid_token(std::string_view token) noexcept;

// `length` random letters and digits (lowercase only when `lower`); throws std::runtime_error when the
// random number generator fails.
std::string random_alnum(std::size_t length, bool lower = false);
std::string generate_token();

// salt || SHA-256(salt || token), 48 bytes, with a fresh salt.
std::string hash_token(std::string_view token);
// Whether `token` matches `stored` (from hash_token), in time independent of where they differ; false
// for a stored value of the wrong size.
bool token_matches(std::string_view stored, std::string_view token);

}  // namespace tether::iotp
