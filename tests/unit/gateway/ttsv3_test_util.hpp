#pragma once
// Helpers for the TTS v3 codec tests: a tiny protobuf writer for hand-made messages (so the tests
// prove field numbers without the generated classes) and sample radio structs.

#include "network/radio.hpp"

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tether::gateway::ttsv3::test {

inline std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline std::string from_hex(std::string_view hex) {
  std::string out;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < hex.size();) {
    if (hex[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
    i += 2;
  }
  return out;
}

inline std::string to_hex(std::string_view s) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

// Protobuf wire encoding by hand: pb().varint(4, 868100000).bytes(1, "...").str().
class pb {
 public:
  pb& varint(std::uint32_t field, std::uint64_t v) {
    tag(field, 0);
    put(v);
    return *this;
  }
  pb& sint(std::uint32_t field, std::int64_t v) { return varint(field, static_cast<std::uint64_t>(v)); }
  pb& fixed32(std::uint32_t field, float f) {
    tag(field, 5);
    std::uint32_t u;
    static_assert(sizeof u == sizeof f);
    __builtin_memcpy(&u, &f, sizeof u);
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>(u >> (8 * i)));
    return *this;
  }
  pb& fixed64(std::uint32_t field, double d) {
    tag(field, 1);
    std::uint64_t u;
    __builtin_memcpy(&u, &d, sizeof u);
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>(u >> (8 * i)));
    return *this;
  }
  pb& bytes(std::uint32_t field, std::string_view b) {
    tag(field, 2);
    put(b.size());
    out_.append(b);
    return *this;
  }
  pb& msg(std::uint32_t field, const pb& m) { return bytes(field, m.out_); }
  const std::string& str() const { return out_; }
  std::span<const std::uint8_t> span() const { return bytes_of(out_); }

 private:
  void tag(std::uint32_t field, std::uint32_t type) { put(field << 3 | type); }
  void put(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  std::string out_;
};

// Settings every valid uplink needs: LoRa SF7 125 kHz at 868.1 MHz.
inline pb lora_settings(std::uint64_t frequency = 868'100'000) {
  return pb()
      .msg(1, pb().msg(1, pb().varint(1, 125'000).varint(2, 7).bytes(3, "4/5")))
      .varint(4, frequency)
      .varint(6, 1000);
}

inline network::time_point at(std::int64_t seconds, std::int64_t nanos = 0) {
  return network::time_point{std::chrono::duration_cast<network::time_point::duration>(
      std::chrono::seconds{seconds} + std::chrono::nanoseconds{nanos})};
}

}  // namespace tether::gateway::ttsv3::test
