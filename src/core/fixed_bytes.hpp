#pragma once
// A byte string of a fixed length in display (big-endian) order, written as upper-case hex: the shape of
// EUIs, DevAddrs and AES keys. The tag keeps the kinds apart so that a DevEUI never passes for a key.

#include "core/hex.hpp"

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tether::core {

template <std::size_t N, class Tag>
struct fixed_bytes {
  static constexpr std::size_t size = N;
  std::array<std::uint8_t, N> bytes{};

  // nullopt unless `raw` holds exactly N bytes.
  static std::optional<fixed_bytes> from_bytes(std::string_view raw) {
    if (raw.size() != N) return std::nullopt;
    fixed_bytes out;
    for (std::size_t i = 0; i < N; ++i) out.bytes[i] = static_cast<std::uint8_t>(raw[i]);
    return out;
  }

  // nullopt on a non-hex character or a length other than 2N digits (spaces are ignored).
  static std::optional<fixed_bytes> from_hex(std::string_view hex) {
    auto raw = core::from_hex(hex);
    if (!raw) return std::nullopt;
    return from_bytes(*raw);
  }

  std::string_view view() const { return {reinterpret_cast<const char*>(bytes.data()), N}; }
  std::string to_hex() const { return to_upper_hex(view()); }

  friend auto operator<=>(const fixed_bytes&, const fixed_bytes&) = default;
  friend bool operator==(const fixed_bytes&, const fixed_bytes&) = default;
};

}  // namespace tether::core
