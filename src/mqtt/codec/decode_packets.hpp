#pragma once
// Internal to the codec: one decoder per packet body. Each reads its fields from `r` and leaves the
// check for trailing bytes to the caller. `version` is the negotiated level; MQTT 5 adds properties and
// reason codes to most packets.

#include "mqtt/codec/byte_reader.hpp"
#include "mqtt/codec/packet.hpp"
#include "mqtt/codec/property_codec.hpp"

#include <cstdint>
#include <type_traits>

namespace tether::mqtt::codec::detail {

// `header_flags` is the low nibble of the fixed header: it must be 0 in MQTT 3.1.1 and 5 but is not
// checked for MQTT 3.1, whose CONNECT carries unused DUP/QoS/RETAIN bits there.
result<packet> decode_connect(std::uint8_t header_flags, byte_reader& r);
result<packet> decode_connack(byte_reader& r, protocol_version version);
result<packet> decode_publish(std::uint8_t flags, byte_reader& r, protocol_version version, bool from_server);
result<packet> decode_subscribe(byte_reader& r, protocol_version version);
result<packet> decode_suback(byte_reader& r, protocol_version version);
result<packet> decode_unsubscribe(byte_reader& r, protocol_version version);
result<packet> decode_unsuback(byte_reader& r, protocol_version version);
// DISCONNECT and AUTH in MQTT 5: an optional reason code, then optional properties (sections 3.14, 3.15).
result<packet> decode_disconnect(byte_reader& r, protocol_version version);
result<packet> decode_auth(byte_reader& r);

// A reason code byte that must be one `packet` defines.
result<reason_code> read_reason(byte_reader& r, reason_packet packet);

// PUBACK, PUBREC, PUBREL and PUBCOMP: a packet identifier; in MQTT 5 then a reason code and properties,
// each of which may be left out from the end (section 3.4.2.1).
template <class Ack>
result<packet> decode_ack(byte_reader& r, protocol_version version) {
  Ack a;
  auto id = r.read_packet_id();
  if (!id) return id.error();
  a.packet_id = *id;
  if (version != protocol_version::v5 || r.at_end()) return packet{std::move(a)};
  constexpr bool is_release = std::is_same_v<Ack, pubrel> || std::is_same_v<Ack, pubcomp>;
  auto reason = read_reason(r, is_release ? reason_packet::pubrel : reason_packet::puback);
  if (!reason) return reason.error();
  a.reason = *reason;
  if (r.at_end()) return packet{std::move(a)};
  if (auto ec = read_properties(r, property_context::ack, a.properties)) return ec;
  return packet{std::move(a)};
}

}  // namespace tether::mqtt::codec::detail
