// SUBSCRIBE and UNSUBSCRIBE (MQTT 3.1.1 sections 3.8 and 3.10).

#include "mqtt/codec/decode_packets.hpp"
#include "mqtt/codec/topic.hpp"

namespace tether::mqtt::codec::detail {
namespace {

result<std::string_view> read_filter(byte_reader& r) {
  auto filter = r.read_utf8();
  if (!filter) return filter;
  if (auto ec = validate_topic_filter(*filter)) return ec;  // [MQTT-4.7.1-2/3], [MQTT-4.7.3-1]
  return filter;
}

// Requested QoS: bits 7..2 reserved and zero, QoS at most 2 [MQTT-3.8.3-4].
result<std::uint8_t> read_requested_qos(byte_reader& r) {
  auto options = r.read_u8();
  if (!options) return options;
  if (*options > 2) return make_error_code(codec_error::invalid_subscription_options);
  return options;
}

}  // namespace

result<packet> decode_subscribe(byte_reader& r) {
  subscribe s;
  auto id = r.read_packet_id();
  if (!id) return id.error();
  s.packet_id = *id;
  while (!r.at_end()) {
    auto filter = read_filter(r);
    if (!filter) return filter.error();
    auto qos = read_requested_qos(r);
    if (!qos) return qos.error();
    s.subscriptions.push_back(subscription{std::string(*filter), *qos});
  }
  if (s.subscriptions.empty()) return make_error_code(codec_error::no_subscriptions);  // [MQTT-3.8.3-3]
  return packet{std::move(s)};
}

result<packet> decode_unsubscribe(byte_reader& r) {
  unsubscribe u;
  auto id = r.read_packet_id();
  if (!id) return id.error();
  u.packet_id = *id;
  while (!r.at_end()) {
    auto filter = read_filter(r);
    if (!filter) return filter.error();
    u.filters.emplace_back(*filter);
  }
  if (u.filters.empty()) return make_error_code(codec_error::no_subscriptions);  // [MQTT-3.10.3-2]
  return packet{std::move(u)};
}

}  // namespace tether::mqtt::codec::detail
