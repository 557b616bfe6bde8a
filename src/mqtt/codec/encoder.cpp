// Encoding of every MQTT 3.1, 3.1.1 and 5.0 packet into its wire bytes.

#include "mqtt/codec/encoder.hpp"

#include "mqtt/codec/byte_writer.hpp"
#include "mqtt/codec/property_codec.hpp"

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
  const bool v5 = c.version == protocol_version::v5;
  std::size_t n = field_size(protocol_name(c.version)) + 1 + 1 + 2 + field_size(c.client_id);
  if (v5) n += property_list_size(c.properties);
  if (c.will) n += field_size(c.will->topic) + field_size(c.will->payload);
  if (c.will && v5) n += property_list_size(c.will->properties);
  if (c.username) n += field_size(*c.username);
  if (c.password) n += field_size(*c.password);
  return n;
}

std::uint8_t subscription_options(const subscription& s, protocol_version version) noexcept {
  if (version != protocol_version::v5) return s.qos;
  return static_cast<std::uint8_t>(s.qos | (s.no_local ? 0x04 : 0) | (s.retain_as_published ? 0x08 : 0) |
                                   (s.retain_handling << 4));
}

// One overload per packet; each appends the complete packet.
struct packet_writer {
  protocol_version version;
  std::string& out;

  bool v5() const noexcept { return version == protocol_version::v5; }

  void operator()(const connect& c) const {
    const std::size_t body = connect_body_size(c);
    out.reserve(out.size() + 5 + body);
    put_fixed_header(out, header(packet_type::connect), body);
    put_field(out, protocol_name(c.version));
    put_u8(out, static_cast<std::uint8_t>(c.version));
    put_u8(out, connect_flags(c));
    put_u16(out, c.keep_alive);
    const bool props = c.version == protocol_version::v5;
    if (props) put_properties(out, c.properties);
    put_field(out, c.client_id);
    if (c.will) {
      if (props) put_properties(out, c.will->properties);
      put_field(out, c.will->topic);
      put_field(out, c.will->payload);
    }
    if (c.username) put_field(out, *c.username);
    if (c.password) put_field(out, *c.password);
  }
  void operator()(const connack& c) const {
    const bool present = c.session_present && version != protocol_version::v3_1;  // 3.1 has no such flag
    if (v5()) {
      put_fixed_header(out, header(packet_type::connack), 2 + property_list_size(c.properties));
      put_u8(out, present ? 1 : 0);
      // A refusal given as a 3.1.1 return code (what realms decide) goes out as its 5.0 reason code.
      const auto reason = c.reason != reason_code::success ? c.reason : to_reason_code(c.code);
      put_u8(out, static_cast<std::uint8_t>(reason));
      put_properties(out, c.properties);
      return;
    }
    put_fixed_header(out, header(packet_type::connack), 2);
    put_u8(out, present ? 1 : 0);
    put_u8(out, static_cast<std::uint8_t>(c.code));
  }
  void operator()(const publish& p) const {
    encode_publish(p.topic, p.payload, p.qos, p.retain, p.dup, p.packet_id, version, p.properties, out);
  }
  void operator()(const puback& a) const { put_ack(header(packet_type::puback), a); }
  void operator()(const pubrec& a) const { put_ack(header(packet_type::pubrec), a); }
  void operator()(const pubrel& a) const { put_ack(header(packet_type::pubrel, 0x2), a); }
  void operator()(const pubcomp& a) const { put_ack(header(packet_type::pubcomp), a); }
  void operator()(const unsuback& a) const {
    if (!v5()) {
      put_fixed_header(out, header(packet_type::unsuback), 2);
      put_u16(out, a.packet_id);
      return;
    }
    put_fixed_header(out, header(packet_type::unsuback),
                     2 + property_list_size(a.properties) + a.reason_codes.size());
    put_u16(out, a.packet_id);
    put_properties(out, a.properties);
    for (const auto code : a.reason_codes) put_u8(out, code);
  }
  void operator()(const subscribe& s) const {
    std::size_t body = 2 + (v5() ? property_list_size(s.properties) : 0);
    for (const auto& sub : s.subscriptions) body += field_size(sub.filter) + 1;
    put_fixed_header(out, header(packet_type::subscribe, 0x2), body);
    put_u16(out, s.packet_id);
    if (v5()) put_properties(out, s.properties);
    for (const auto& sub : s.subscriptions) {
      put_field(out, sub.filter);
      put_u8(out, subscription_options(sub, version));
    }
  }
  void operator()(const suback& s) const {
    const std::size_t props = v5() ? property_list_size(s.properties) : 0;
    put_fixed_header(out, header(packet_type::suback), 2 + props + s.return_codes.size());
    put_u16(out, s.packet_id);
    if (v5()) put_properties(out, s.properties);
    for (const auto code : s.return_codes) put_u8(out, code);
  }
  void operator()(const unsubscribe& u) const {
    std::size_t body = 2 + (v5() ? property_list_size(u.properties) : 0);
    for (const auto& filter : u.filters) body += field_size(filter);
    put_fixed_header(out, header(packet_type::unsubscribe, 0x2), body);
    put_u16(out, u.packet_id);
    if (v5()) put_properties(out, u.properties);
    for (const auto& filter : u.filters) put_field(out, filter);
  }
  void operator()(const pingreq&) const { put_fixed_header(out, header(packet_type::pingreq), 0); }
  void operator()(const pingresp&) const { put_fixed_header(out, header(packet_type::pingresp), 0); }
  void operator()(const disconnect& d) const {
    if (!v5()) return put_fixed_header(out, header(packet_type::disconnect), 0);
    put_reason_only(header(packet_type::disconnect), d.reason, d.properties);
  }
  void operator()(const auth& a) const {
    assert(v5());
    put_reason_only(header(packet_type::auth), a.reason, a.properties);
  }

  // PUBACK..PUBCOMP; MQTT 5 leaves out a success reason and empty properties (section 3.4.2.1).
  template <class Ack>
  void put_ack(std::uint8_t first_byte, const Ack& a) const {
    const bool props = v5() && !a.properties.empty();
    const bool reason = props || (v5() && a.reason != reason_code::success);
    put_fixed_header(out, first_byte, 2 + (reason ? 1 : 0) + (props ? property_list_size(a.properties) : 0));
    put_u16(out, a.packet_id);
    if (reason) put_u8(out, static_cast<std::uint8_t>(a.reason));
    if (props) put_properties(out, a.properties);
  }
  // DISCONNECT and AUTH: nothing for success without properties, else the reason and the properties.
  void put_reason_only(std::uint8_t first_byte, reason_code code, const property_set& p) const {
    const bool props = !p.empty();
    const bool reason = props || code != reason_code::success;
    put_fixed_header(out, first_byte, (reason ? 1 : 0) + (props ? property_list_size(p) : 0));
    if (reason) put_u8(out, static_cast<std::uint8_t>(code));
    if (props) put_properties(out, p);
  }
};

std::size_t publish_body_size(std::size_t topic_size, std::size_t payload_size, std::uint8_t qos) noexcept {
  return 2 + topic_size + (qos > 0 ? 2 : 0) + payload_size;
}

const property_set no_properties{};

}  // namespace

void encode(const packet& p, protocol_version version, std::string& out) {
  std::visit(packet_writer{version, out}, p);
}

void encode_publish(std::string_view topic, std::string_view payload, std::uint8_t qos, bool retain, bool dup,
                    std::uint16_t packet_id, protocol_version version, std::string& out) {
  encode_publish(topic, payload, qos, retain, dup, packet_id, version, no_properties, out);
}

void encode_publish(std::string_view topic, std::string_view payload, std::uint8_t qos, bool retain, bool dup,
                    std::uint16_t packet_id, protocol_version version, const property_set& properties,
                    std::string& out) {
  assert(qos <= 2 && topic.size() <= max_field_size);
  const bool v5 = version == protocol_version::v5;
  const std::size_t body =
      publish_body_size(topic.size(), payload.size(), qos) + (v5 ? property_list_size(properties) : 0);
  out.reserve(out.size() + 1 + remaining_length_size(body) + body);
  const auto flags = static_cast<std::uint8_t>((dup ? 0x08 : 0) | (qos << 1) | (retain ? 0x01 : 0));
  put_fixed_header(out, header(packet_type::publish, flags), body);
  put_field(out, topic);
  if (qos > 0) put_u16(out, packet_id);
  if (v5) put_properties(out, properties);
  out.append(payload);
}

std::size_t publish_wire_size(std::size_t topic_size, std::size_t payload_size, std::uint8_t qos) noexcept {
  const std::size_t body = publish_body_size(topic_size, payload_size, qos);
  return 1 + remaining_length_size(body) + body;
}

}  // namespace tether::mqtt::codec
