#pragma once
// Internal to the codec: reads the fields of one packet body, front to back, never past its end.

#include "mqtt/codec/error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tether::mqtt::codec::detail {

class byte_reader {
 public:
  explicit byte_reader(std::span<const std::uint8_t> in) noexcept : in_(in) {}

  std::size_t remaining() const noexcept { return in_.size() - pos_; }
  bool at_end() const noexcept { return pos_ == in_.size(); }

  result<std::uint8_t> read_u8() noexcept;
  result<std::uint16_t> read_u16() noexcept;
  result<std::uint32_t> read_u32() noexcept;
  // A variable byte integer (MQTT 5 section 1.5.5): at most 4 bytes, in the fewest bytes [MQTT-1.5.5-1].
  result<std::uint32_t> read_varint() noexcept;
  // The next `n` bytes, for a reader of their own (MQTT 5 properties).
  result<std::span<const std::uint8_t>> read_bytes(std::size_t n) noexcept;
  // A packet identifier: two bytes, never 0 [MQTT-2.3.1-1].
  result<std::uint16_t> read_packet_id() noexcept;
  // Binary data with a two-byte length prefix.
  result<std::string_view> read_binary() noexcept;
  // A UTF-8 string with a two-byte length prefix, validated [MQTT-1.5.3].
  result<std::string_view> read_utf8() noexcept;
  // Everything that is left (a PUBLISH payload).
  std::string_view read_rest() noexcept;
  // trailing_bytes unless every byte was read.
  boost::system::error_code expect_end() const noexcept;

 private:
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
};

}  // namespace tether::mqtt::codec::detail
