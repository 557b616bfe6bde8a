// PUBLISH (MQTT 3.1.1 and 5 section 3.3), in either direction.

#include "mqtt/codec/decode_packets.hpp"
#include "mqtt/codec/topic.hpp"

namespace tether::mqtt::codec::detail {

result<packet> decode_publish(std::uint8_t flags, byte_reader& r, protocol_version version,
                              bool from_server) {
  publish p;
  p.retain = (flags & 0x01) != 0;
  p.qos = static_cast<std::uint8_t>((flags >> 1) & 0x03);
  p.dup = (flags & 0x08) != 0;
  if (p.qos == 3) return make_error_code(codec_error::invalid_qos);           // [MQTT-3.3.1-4]
  if (p.dup && p.qos == 0) return make_error_code(codec_error::dup_on_qos0);  // [MQTT-3.3.1-2]
  auto topic = r.read_utf8();
  if (!topic) return topic.error();
  // An MQTT 5 PUBLISH may leave the topic empty when it carries a Topic Alias [MQTT-3.3.2-1], checked below.
  const bool alias_may_stand_in = version == protocol_version::v5 && topic->empty();
  if (!alias_may_stand_in) {
    if (auto ec = validate_topic_name(*topic)) return ec;  // [MQTT-3.3.2-2], [MQTT-4.7.3-1]
  }
  p.topic = *topic;
  if (p.qos > 0) {
    auto id = r.read_packet_id();
    if (!id) return id.error();
    p.packet_id = *id;
  }
  if (version == protocol_version::v5) {
    const auto where = from_server ? property_context::publish_from_server : property_context::publish;
    if (auto ec = read_properties(r, where, p.properties)) return ec;
    if (alias_may_stand_in && !p.properties.topic_alias) return make_error_code(codec_error::empty_topic);
  }
  p.payload = r.read_rest();
  return packet{std::move(p)};
}

}  // namespace tether::mqtt::codec::detail
