#pragma once
// Little-endian field access for frame codecs. Callers check lengths before reading.

#include "lorawan/types.hpp"

#include <cstdint>

namespace tether::lorawan::wire {

// Reads `n` (<= 8) bytes little-endian starting at p.
inline std::uint64_t read_le(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = n; i > 0; --i) v = (v << 8) | p[i - 1];
  return v;
}

inline void append_le(bytes& out, std::uint64_t v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

inline void write_le(std::uint8_t* p, std::uint64_t v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace tether::lorawan::wire
