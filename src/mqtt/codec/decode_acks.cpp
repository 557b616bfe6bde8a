// The server's replies: CONNACK (section 3.2), SUBACK (3.9) and UNSUBACK (3.11); and the packets that
// MQTT 5 gives a reason code of their own: DISCONNECT (3.14) and AUTH (3.15).

#include "mqtt/codec/decode_packets.hpp"

namespace tether::mqtt::codec::detail {
namespace {

bool is_valid_suback_code(std::uint8_t code) noexcept { return code <= 2 || code == suback_failure; }

// Reads the list of one-byte codes that ends a SUBACK or UNSUBACK; at least one.
boost::system::error_code read_codes(byte_reader& r, std::vector<std::uint8_t>& out,
                                     bool (*valid)(std::uint8_t), codec_error invalid) {
  while (!r.at_end()) {
    const auto code = *r.read_u8();
    if (!valid(code)) return invalid;
    out.push_back(code);
  }
  if (out.empty()) return codec_error::no_subscriptions;
  return {};
}

}  // namespace

result<reason_code> read_reason(byte_reader& r, reason_packet packet) {
  auto code = r.read_u8();
  if (!code) return code.error();
  if (!is_valid_reason(packet, *code)) return make_error_code(codec_error::invalid_reason_code);
  return static_cast<reason_code>(*code);
}

result<packet> decode_connack(byte_reader& r, protocol_version version) {
  auto ack_flags = r.read_u8();
  if (!ack_flags) return ack_flags.error();
  connack c;
  if (version == protocol_version::v5) {
    auto reason = read_reason(r, reason_packet::connack);
    if (!reason) return reason.error();
    c.reason = *reason;
    c.session_present = (*ack_flags & 0x01) != 0;
    if ((*ack_flags & 0xFE) != 0 || (c.session_present && is_failure(c.reason)))  // [MQTT-3.2.2-1/6]
      return make_error_code(codec_error::invalid_connect_flags);
    if (auto ec = read_properties(r, property_context::connack, c.properties)) return ec;
    return packet{std::move(c)};
  }
  auto code = r.read_u8();
  if (!code) return code.error();
  c.code = static_cast<connack_code>(*code);
  // MQTT 3.1 leaves the first byte unused; 3.1.1 defines bit 0 as Session Present [MQTT-3.2.2-1].
  if (version == protocol_version::v3_1) return packet{c};
  c.session_present = (*ack_flags & 0x01) != 0;
  const bool present_on_refusal = c.session_present && *code != 0;  // [MQTT-3.2.2-4]
  if ((*ack_flags & 0xFE) != 0 || present_on_refusal)
    return make_error_code(codec_error::invalid_connect_flags);
  return packet{c};
}

result<packet> decode_suback(byte_reader& r, protocol_version version) {
  suback s;
  auto id = r.read_packet_id();
  if (!id) return id.error();
  s.packet_id = *id;
  if (version == protocol_version::v5) {
    if (auto ec = read_properties(r, property_context::suback, s.properties)) return ec;
    constexpr auto valid = [](std::uint8_t c) { return is_valid_reason(reason_packet::suback, c); };
    if (auto ec = read_codes(r, s.return_codes, valid, codec_error::invalid_reason_code)) return ec;
    return packet{std::move(s)};
  }
  if (auto ec =
          read_codes(r, s.return_codes, is_valid_suback_code, codec_error::invalid_qos))  // [MQTT-3.9.3-2]
    return ec;
  return packet{std::move(s)};
}

result<packet> decode_unsuback(byte_reader& r, protocol_version version) {
  unsuback u;
  auto id = r.read_packet_id();
  if (!id) return id.error();
  u.packet_id = *id;
  if (version != protocol_version::v5) return packet{std::move(u)};
  if (auto ec = read_properties(r, property_context::unsuback, u.properties)) return ec;
  constexpr auto valid = [](std::uint8_t c) { return is_valid_reason(reason_packet::unsuback, c); };
  if (auto ec = read_codes(r, u.reason_codes, valid, codec_error::invalid_reason_code)) return ec;
  return packet{std::move(u)};
}

result<packet> decode_disconnect(byte_reader& r, protocol_version version) {
  disconnect d;
  if (version != protocol_version::v5 || r.at_end()) return packet{std::move(d)};
  auto reason = read_reason(r, reason_packet::disconnect);
  if (!reason) return reason.error();
  d.reason = *reason;
  if (r.at_end()) return packet{std::move(d)};
  if (auto ec = read_properties(r, property_context::disconnect, d.properties)) return ec;
  return packet{std::move(d)};
}

result<packet> decode_auth(byte_reader& r) {
  auth a;
  if (r.at_end()) return packet{std::move(a)};  // reason 0x00 and no properties [MQTT-3.15.2-1]
  auto reason = read_reason(r, reason_packet::auth);
  if (!reason) return reason.error();
  a.reason = *reason;
  if (r.at_end()) return packet{std::move(a)};
  if (auto ec = read_properties(r, property_context::auth, a.properties)) return ec;
  return packet{std::move(a)};
}

}  // namespace tether::mqtt::codec::detail
