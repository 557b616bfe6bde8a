#pragma once
// Internal to the codec: appends wire fields to a buffer.

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tether::mqtt::codec::detail {

inline constexpr std::size_t max_remaining_length = 268'435'455;  // 4 length bytes [MQTT-2.2.3]
inline constexpr std::size_t max_field_size = 65'535;             // two-byte length prefix

inline std::size_t remaining_length_size(std::size_t length) noexcept {
  assert(length <= max_remaining_length);
  return length < 128 ? 1 : length < 16'384 ? 2 : length < 2'097'152 ? 3 : 4;
}

inline void put_u8(std::string& out, std::uint8_t v) { out.push_back(static_cast<char>(v)); }

inline void put_u16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xFF));
}

inline void put_u32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

// A variable byte integer (MQTT 5 section 1.5.5), as the remaining length is written.
inline void put_varint(std::string& out, std::size_t v) {
  assert(v <= max_remaining_length);
  do {
    auto b = static_cast<std::uint8_t>(v & 0x7F);
    v >>= 7;
    if (v > 0) b |= 0x80;
    put_u8(out, b);
  } while (v > 0);
}

// A string or binary field: two-byte length, then the bytes.
inline void put_field(std::string& out, std::string_view s) {
  assert(s.size() <= max_field_size);
  put_u16(out, static_cast<std::uint16_t>(s.size()));
  out.append(s);
}

inline std::size_t field_size(std::string_view s) noexcept { return 2 + s.size(); }

// The fixed header: first byte and the remaining length as a variable byte integer.
inline void put_fixed_header(std::string& out, std::uint8_t first_byte, std::size_t length) {
  assert(length <= max_remaining_length);
  put_u8(out, first_byte);
  put_varint(out, length);
}

}  // namespace tether::mqtt::codec::detail
