// The server's replies: CONNACK (section 3.2) and SUBACK (section 3.9).

#include "mqtt/codec/decode_packets.hpp"

namespace tether::mqtt::codec::detail {
namespace {

bool is_valid_suback_code(std::uint8_t code) noexcept { return code <= 2 || code == suback_failure; }

}  // namespace

result<packet> decode_connack(byte_reader& r, protocol_version version) {
  auto ack_flags = r.read_u8();
  if (!ack_flags) return ack_flags.error();
  auto code = r.read_u8();
  if (!code) return code.error();
  connack c;
  c.code = static_cast<connack_code>(*code);
  // MQTT 3.1 leaves the first byte unused; 3.1.1 defines bit 0 as Session Present [MQTT-3.2.2-1].
  if (version == protocol_version::v3_1) return packet{c};
  c.session_present = (*ack_flags & 0x01) != 0;
  const bool present_on_refusal = c.session_present && *code != 0;  // [MQTT-3.2.2-4]
  if ((*ack_flags & 0xFE) != 0 || present_on_refusal)
    return make_error_code(codec_error::invalid_connect_flags);
  return packet{c};
}

result<packet> decode_suback(byte_reader& r) {
  suback s;
  auto id = r.read_packet_id();
  if (!id) return id.error();
  s.packet_id = *id;
  while (!r.at_end()) {
    const auto code = *r.read_u8();
    if (!is_valid_suback_code(code)) return make_error_code(codec_error::invalid_qos);  // [MQTT-3.9.3-2]
    s.return_codes.push_back(code);
  }
  if (s.return_codes.empty()) return make_error_code(codec_error::no_subscriptions);
  return packet{std::move(s)};
}

}  // namespace tether::mqtt::codec::detail
