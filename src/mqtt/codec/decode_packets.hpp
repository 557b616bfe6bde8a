#pragma once
// Internal to the codec: one decoder per packet body. Each reads its fields from `r` and leaves the
// check for trailing bytes to the caller.

#include "mqtt/codec/byte_reader.hpp"
#include "mqtt/codec/packet.hpp"

#include <cstdint>

namespace tether::mqtt::codec::detail {

// `header_flags` is the low nibble of the fixed header: it must be 0 in MQTT 3.1.1 but is not checked
// for MQTT 3.1, whose CONNECT carries unused DUP/QoS/RETAIN bits there.
result<packet> decode_connect(std::uint8_t header_flags, byte_reader& r);
result<packet> decode_connack(byte_reader& r, protocol_version version);
result<packet> decode_publish(std::uint8_t flags, byte_reader& r);
result<packet> decode_subscribe(byte_reader& r);
result<packet> decode_suback(byte_reader& r);
result<packet> decode_unsubscribe(byte_reader& r);

// PUBACK, PUBREC, PUBREL, PUBCOMP and UNSUBACK: a packet identifier and nothing else.
template <class Ack>
result<packet> decode_ack(byte_reader& r) {
  auto id = r.read_packet_id();
  if (!id) return id.error();
  return packet{Ack{*id}};
}

}  // namespace tether::mqtt::codec::detail
