#pragma once
// Helpers for the LoRaWAN unit tests: hex to bytes and keys.

#include "core/hex.hpp"
#include "lorawan/types.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tether::lorawan::test {

inline bytes hex(std::string_view text) {
  auto raw = core::from_hex(text);
  if (!raw) throw std::invalid_argument("bad hex in test");
  return bytes(raw->begin(), raw->end());
}

inline std::string to_hex(byte_view b) {
  return core::to_hex(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

inline aes_key key(std::string_view text) {
  const bytes b = hex(text);
  aes_key k{};
  std::copy_n(b.begin(), k.size(), k.begin());
  return k;
}

inline aes_key repeated_key(std::uint8_t v) {
  aes_key k;
  k.fill(v);
  return k;
}

inline bytes text(std::string_view s) { return bytes(s.begin(), s.end()); }

inline mic mic_of(std::string_view text) {
  const bytes b = hex(text);
  return {b[0], b[1], b[2], b[3]};
}

}  // namespace tether::lorawan::test
