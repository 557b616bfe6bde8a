#pragma once
// Helpers shared by the codec tests: hex vectors in, packets or error codes out.

#include "core/hex.hpp"
#include "mqtt/codec/decoder.hpp"
#include "mqtt/codec/encoder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tether::mqtt::codec {
// Readable failure messages for EXPECT_EQ on error values.
inline std::ostream& operator<<(std::ostream& os, codec_error e) {
  return os << static_cast<int>(e) << " (" << make_error_code(e).message() << ")";
}
}  // namespace tether::mqtt::codec

namespace tether::mqtt::codec::test {

inline constexpr auto v31 = protocol_version::v3_1;
inline constexpr auto v311 = protocol_version::v3_1_1;

inline std::vector<std::uint8_t> bytes(std::string_view hex) {
  const auto raw = core::from_hex(hex);
  EXPECT_TRUE(raw.has_value()) << "bad test vector " << hex;
  return raw ? std::vector<std::uint8_t>(raw->begin(), raw->end()) : std::vector<std::uint8_t>{};
}

// Normalised hex for comparisons: lower case, no spaces.
inline std::string hex(std::string_view h) {
  std::string out;
  for (const char c : h) {
    if (c != ' ') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

enum class side { client, server };

// Frames one whole packet (it must be exactly the bytes given) and decodes it.
inline result<packet> decode_hex(std::string_view h, protocol_version v = v311, side from = side::client) {
  const auto in = bytes(h);
  const auto f = find_frame(in, 1 << 20);
  EXPECT_EQ(f.status, frame_status::complete) << h << ": " << f.error.message();
  EXPECT_EQ(f.value.total_size(), in.size()) << h;
  if (f.status != frame_status::complete) return f.error ? f.error : make_error_code(codec_error::truncated);
  const std::span<const std::uint8_t> body(in.data() + f.value.header_size, f.value.body_size);
  return from == side::client ? decode_client_packet(f.value.first_byte, body, v)
                              : decode_server_packet(f.value.first_byte, body, v);
}

inline result<packet> decode_from_server(std::string_view h, protocol_version v = v311) {
  return decode_hex(h, v, side::server);
}

// The error a decode ends with (ok when it succeeded).
inline codec_error error_of(const result<packet>& r) {
  if (r) return codec_error::ok;
  EXPECT_EQ(&r.error().category(), &codec_category());
  return static_cast<codec_error>(r.error().value());
}

inline codec_error client_error(std::string_view h, protocol_version v = v311) {
  return error_of(decode_hex(h, v));
}
inline codec_error server_error(std::string_view h, protocol_version v = v311) {
  return error_of(decode_from_server(h, v));
}

inline std::string encode_hex(const packet& p, protocol_version v = v311) {
  std::string out;
  encode(p, v, out);
  return core::to_hex(out);
}

}  // namespace tether::mqtt::codec::test
