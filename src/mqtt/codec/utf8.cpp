// UTF-8 validation of MQTT strings (MQTT 3.1.1 section 1.5.3).

#include "mqtt/codec/topic.hpp"

#include <cstddef>
#include <cstdint>

namespace tether::mqtt::codec {
namespace {

// Control characters and non-characters: the spec says a sender SHOULD NOT use them and a receiver MAY
// close the connection; Mosquitto does, and its conformance data expects it, so we do the same.
bool is_disallowed(std::uint32_t cp) noexcept {
  if (cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F)) return true;
  if (cp >= 0xFDD0 && cp <= 0xFDEF) return true;
  return (cp & 0xFFFE) == 0xFFFE;
}

// Length of the sequence a lead byte starts, 0 for a byte that cannot lead (continuation, C0, C1, F5..FF).
std::size_t sequence_length(std::uint8_t lead) noexcept {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Decodes the multi-byte sequence at s[0..len); returns 0xFFFFFFFF when it is ill-formed.
std::uint32_t decode_sequence(const unsigned char* s, std::size_t len) noexcept {
  constexpr std::uint32_t bad = 0xFFFFFFFF;
  constexpr std::uint32_t lead_mask[] = {0, 0, 0x1F, 0x0F, 0x07};
  constexpr std::uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
  std::uint32_t cp = s[0] & lead_mask[len];
  for (std::size_t k = 1; k < len; ++k) {
    if ((s[k] & 0xC0) != 0x80) return bad;
    cp = (cp << 6) | (s[k] & 0x3F);
  }
  if (cp < minimum[len] || cp > 0x10FFFF) return bad;  // overlong or beyond Unicode
  if (cp >= 0xD800 && cp <= 0xDFFF) return bad;        // surrogates
  return cp;
}

}  // namespace

boost::system::error_code validate_utf8(std::string_view s) noexcept {
  const auto* bytes = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t len = sequence_length(bytes[i]);
    if (len == 0 || len > s.size() - i) return codec_error::invalid_utf8;
    const std::uint32_t cp = len == 1 ? bytes[i] : decode_sequence(bytes + i, len);
    if (cp == 0) return codec_error::null_character;
    if (cp == 0xFFFFFFFF || is_disallowed(cp)) return codec_error::invalid_utf8;
    i += len;
  }
  return {};
}

}  // namespace tether::mqtt::codec
