// Field readers shared by every packet decoder.

#include "mqtt/codec/byte_reader.hpp"

#include "mqtt/codec/topic.hpp"

namespace tether::mqtt::codec::detail {

result<std::uint8_t> byte_reader::read_u8() noexcept {
  if (remaining() < 1) return make_error_code(codec_error::truncated);
  return in_[pos_++];
}

result<std::uint16_t> byte_reader::read_u16() noexcept {
  if (remaining() < 2) return make_error_code(codec_error::truncated);
  const auto value = static_cast<std::uint16_t>((in_[pos_] << 8) | in_[pos_ + 1]);
  pos_ += 2;
  return value;
}

result<std::uint32_t> byte_reader::read_u32() noexcept {
  if (remaining() < 4) return make_error_code(codec_error::truncated);
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | in_[pos_++];
  return value;
}

result<std::uint32_t> byte_reader::read_varint() noexcept {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    if (remaining() < 1) return make_error_code(codec_error::truncated);
    const std::uint8_t b = in_[pos_++];
    value |= static_cast<std::uint32_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) != 0) continue;
    if (i > 0 && b == 0)
      return make_error_code(codec_error::invalid_variable_integer);  // not the fewest bytes
    return value;
  }
  return make_error_code(codec_error::invalid_variable_integer);
}

result<std::span<const std::uint8_t>> byte_reader::read_bytes(std::size_t n) noexcept {
  if (remaining() < n) return make_error_code(codec_error::truncated);
  const auto bytes = in_.subspan(pos_, n);
  pos_ += n;
  return bytes;
}

result<std::uint16_t> byte_reader::read_packet_id() noexcept {
  auto id = read_u16();
  if (id && *id == 0) return make_error_code(codec_error::zero_packet_id);
  return id;
}

result<std::string_view> byte_reader::read_binary() noexcept {
  auto size = read_u16();
  if (!size) return size.error();
  if (remaining() < *size) return make_error_code(codec_error::truncated);
  const std::string_view data(reinterpret_cast<const char*>(in_.data() + pos_), *size);
  pos_ += *size;
  return data;
}

result<std::string_view> byte_reader::read_utf8() noexcept {
  auto s = read_binary();
  if (!s) return s;
  if (auto ec = validate_utf8(*s)) return ec;
  return s;
}

std::string_view byte_reader::read_rest() noexcept {
  const std::string_view data(reinterpret_cast<const char*>(in_.data() + pos_), remaining());
  pos_ = in_.size();
  return data;
}

boost::system::error_code byte_reader::expect_end() const noexcept {
  if (!at_end()) return codec_error::trailing_bytes;
  return {};
}

}  // namespace tether::mqtt::codec::detail
