// Encoding of every MQTT 3.1/3.1.1 packet into its wire bytes.

#include "mqtt/codec/encoder.hpp"

#include "mqtt/codec/byte_writer.hpp"

namespace tether::mqtt::codec {
namespace {

using namespace detail;

constexpr std::uint8_t header(packet_type type, std::uint8_t flags = 0) noexcept {
  return static_cast<std::uint8_t>((static_cast<std::uint8_t>(type) << 4) | flags);
}

std::string_view protocol_name(protocol_version v) noexcept {
  return v == protocol_version::v3_1 ? "MQIsdp" : "MQTT";
}

std::uint8_t connect_flags(const connect& c) noexcept {
  std::uint8_t f = c.clean_session ? 0x02 : 0x00;
  assert(!c.will || c.will->qos <= 2);
  if (c.will) f |= static_cast<std::uint8_t>(0x04 | (c.will->qos << 3) | (c.will->retain ? 0x20 : 0));
  if (c.password) f |= 0x40;
  if (c.username) f |= 0x80;
  return f;
}

std::size_t connect_body_size(const connect& c) noexcept {
  std::size_t n = field_size(protocol_name(c.version)) + 1 + 1 + 2 + field_size(c.client_id);
  if (c.will) n += field_size(c.will->topic) + field_size(c.will->payload);
  if (c.username) n += field_size(*c.username);
  if (c.password) n += field_size(*c.password);
  return n;
}

// One overload per packet; each appends the complete packet.
struct packet_writer {
  protocol_version version;
  std::string& out;

  void operator()(const connect& c) const {
    assert(c.version == protocol_version::v3_1 || c.version == protocol_version::v3_1_1);
    const std::size_t body = connect_body_size(c);
    out.reserve(out.size() + 5 + body);
    put_fixed_header(out, header(packet_type::connect), body);
    put_field(out, protocol_name(c.version));
    put_u8(out, static_cast<std::uint8_t>(c.version));
    put_u8(out, connect_flags(c));
    put_u16(out, c.keep_alive);
    put_field(out, c.client_id);
    if (c.will) {
      put_field(out, c.will->topic);
      put_field(out, c.will->payload);
    }
    if (c.username) put_field(out, *c.username);
    if (c.password) put_field(out, *c.password);
  }
  void operator()(const connack& c) const {
    const bool present = c.session_present && version != protocol_version::v3_1;  // 3.1 has no such flag
    put_fixed_header(out, header(packet_type::connack), 2);
    put_u8(out, present ? 1 : 0);
    put_u8(out, static_cast<std::uint8_t>(c.code));
  }
  void operator()(const publish& p) const {
    encode_publish(p.topic, p.payload, p.qos, p.retain, p.dup, p.packet_id, version, out);
  }
  void operator()(const puback& a) const { put_ack(header(packet_type::puback), a.packet_id); }
  void operator()(const pubrec& a) const { put_ack(header(packet_type::pubrec), a.packet_id); }
  void operator()(const pubrel& a) const { put_ack(header(packet_type::pubrel, 0x2), a.packet_id); }
  void operator()(const pubcomp& a) const { put_ack(header(packet_type::pubcomp), a.packet_id); }
  void operator()(const unsuback& a) const { put_ack(header(packet_type::unsuback), a.packet_id); }
  void operator()(const subscribe& s) const {
    std::size_t body = 2;
    for (const auto& sub : s.subscriptions) body += field_size(sub.filter) + 1;
    put_fixed_header(out, header(packet_type::subscribe, 0x2), body);
    put_u16(out, s.packet_id);
    for (const auto& sub : s.subscriptions) {
      put_field(out, sub.filter);
      put_u8(out, sub.qos);
    }
  }
  void operator()(const suback& s) const {
    put_fixed_header(out, header(packet_type::suback), 2 + s.return_codes.size());
    put_u16(out, s.packet_id);
    for (const auto code : s.return_codes) put_u8(out, code);
  }
  void operator()(const unsubscribe& u) const {
    std::size_t body = 2;
    for (const auto& filter : u.filters) body += field_size(filter);
    put_fixed_header(out, header(packet_type::unsubscribe, 0x2), body);
    put_u16(out, u.packet_id);
    for (const auto& filter : u.filters) put_field(out, filter);
  }
  void operator()(const pingreq&) const { put_fixed_header(out, header(packet_type::pingreq), 0); }
  void operator()(const pingresp&) const { put_fixed_header(out, header(packet_type::pingresp), 0); }
  void operator()(const disconnect&) const { put_fixed_header(out, header(packet_type::disconnect), 0); }

  void put_ack(std::uint8_t first_byte, std::uint16_t packet_id) const {
    put_fixed_header(out, first_byte, 2);
    put_u16(out, packet_id);
  }
};

std::size_t publish_body_size(std::size_t topic_size, std::size_t payload_size, std::uint8_t qos) noexcept {
  return 2 + topic_size + (qos > 0 ? 2 : 0) + payload_size;
}

}  // namespace

void encode(const packet& p, protocol_version version, std::string& out) {
  assert(version == protocol_version::v3_1 || version == protocol_version::v3_1_1);
  std::visit(packet_writer{version, out}, p);
}

void encode_publish(std::string_view topic, std::string_view payload, std::uint8_t qos, bool retain, bool dup,
                    std::uint16_t packet_id, protocol_version /*version*/, std::string& out) {
  assert(qos <= 2 && topic.size() <= max_field_size);
  const std::size_t body = publish_body_size(topic.size(), payload.size(), qos);
  out.reserve(out.size() + 1 + remaining_length_size(body) + body);
  const auto flags = static_cast<std::uint8_t>((dup ? 0x08 : 0) | (qos << 1) | (retain ? 0x01 : 0));
  put_fixed_header(out, header(packet_type::publish, flags), body);
  put_field(out, topic);
  if (qos > 0) put_u16(out, packet_id);
  out.append(payload);
}

std::size_t publish_wire_size(std::size_t topic_size, std::size_t payload_size, std::uint8_t qos) noexcept {
  const std::size_t body = publish_body_size(topic_size, payload_size, qos);
  return 1 + remaining_length_size(body) + body;
}

}  // namespace tether::mqtt::codec
