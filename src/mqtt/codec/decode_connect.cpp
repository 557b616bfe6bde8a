// CONNECT (MQTT 3.1.1 section 3.1, 3.1 with protocol name "MQIsdp", and MQTT 5 section 3.1).

#include "mqtt/codec/decode_packets.hpp"
#include "mqtt/codec/topic.hpp"

namespace tether::mqtt::codec::detail {
namespace {

namespace flag {
constexpr std::uint8_t reserved = 0x01;
constexpr std::uint8_t clean_session = 0x02;
constexpr std::uint8_t will = 0x04;
constexpr std::uint8_t will_qos = 0x18;
constexpr std::uint8_t will_retain = 0x20;
constexpr std::uint8_t password = 0x40;
constexpr std::uint8_t username = 0x80;
}  // namespace flag

// Protocol name and level together pick the version [MQTT-3.1.2-1/2].
result<protocol_version> read_protocol(byte_reader& r) {
  auto name = r.read_binary();
  if (!name) return name.error();
  const bool is_mqtt = *name == "MQTT";
  if (!is_mqtt && *name != "MQIsdp") return make_error_code(codec_error::invalid_protocol_name);
  auto level = r.read_u8();
  if (!level) return level.error();
  if (is_mqtt && *level == static_cast<std::uint8_t>(protocol_version::v5)) return protocol_version::v5;
  const auto expected = is_mqtt ? protocol_version::v3_1_1 : protocol_version::v3_1;
  if (*level != static_cast<std::uint8_t>(expected)) {
    return make_error_code(codec_error::unsupported_protocol_version);
  }
  return expected;
}

// The reserved flag must be 0 from MQTT 3.1.1 on; MQTT 3.1 does not say so and Mosquitto accepts it there.
// MQTT 5 allows a password without a user name (section 3.1.2.9).
boost::system::error_code check_flags(std::uint8_t f, protocol_version version) noexcept {
  const bool bad_reserved = (f & flag::reserved) != 0 && version != protocol_version::v3_1;  // [MQTT-3.1.2-3]
  const bool will_bits_without_will = !(f & flag::will) && (f & (flag::will_qos | flag::will_retain));
  const bool will_qos3 = (f & flag::will_qos) == flag::will_qos;  // [MQTT-3.1.2-14]
  const bool password_without_user =
      (f & flag::password) && !(f & flag::username) && version != protocol_version::v5;  // [MQTT-3.1.2-22]
  if (bad_reserved || will_bits_without_will || will_qos3 || password_without_user) {    // [MQTT-3.1.2-11]
    return codec_error::invalid_connect_flags;
  }
  return {};
}

boost::system::error_code read_will(std::uint8_t f, byte_reader& r, connect& c) {
  property_set properties;
  if (c.version == protocol_version::v5) {
    if (auto ec = read_properties(r, property_context::will, properties)) return ec;
  }
  auto topic = r.read_utf8();
  if (!topic) return topic.error();
  if (auto ec = validate_topic_name(*topic)) return ec;
  auto payload = r.read_binary();
  if (!payload) return payload.error();
  c.will = will_message{std::string(*topic), std::string(*payload),
                        static_cast<std::uint8_t>((f & flag::will_qos) >> 3), (f & flag::will_retain) != 0,
                        std::move(properties)};
  return {};
}

boost::system::error_code read_credentials(std::uint8_t f, byte_reader& r, connect& c) {
  if (f & flag::username) {
    auto username = r.read_utf8();
    if (!username) return username.error();
    c.username.emplace(*username);
  }
  if (f & flag::password) {
    auto password = r.read_binary();
    if (!password) return password.error();
    c.password.emplace(*password);
  }
  return {};
}

}  // namespace

result<packet> decode_connect(std::uint8_t header_flags, byte_reader& r) {
  connect c;
  auto version = read_protocol(r);
  if (!version) return version.error();
  c.version = *version;
  if (header_flags != 0 && c.version != protocol_version::v3_1) {
    return make_error_code(codec_error::reserved_flags);  // [MQTT-2.2.2-2]
  }
  auto flags = r.read_u8();
  if (!flags) return flags.error();
  if (auto ec = check_flags(*flags, c.version)) return ec;
  c.clean_session = (*flags & flag::clean_session) != 0;
  auto keep_alive = r.read_u16();
  if (!keep_alive) return keep_alive.error();
  c.keep_alive = *keep_alive;
  if (c.version == protocol_version::v5) {
    if (auto ec = read_properties(r, property_context::connect, c.properties)) return ec;
    if (c.properties.authentication_data && !c.properties.authentication_method)
      return make_error_code(codec_error::auth_data_without_method);
  }
  auto client_id = r.read_utf8();
  if (!client_id) return client_id.error();
  c.client_id = *client_id;
  if (*flags & flag::will) {
    if (auto ec = read_will(*flags, r, c)) return ec;
  }
  if (auto ec = read_credentials(*flags, r, c)) return ec;
  return packet{std::move(c)};
}

}  // namespace tether::mqtt::codec::detail
