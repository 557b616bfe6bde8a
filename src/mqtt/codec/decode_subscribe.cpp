// SUBSCRIBE and UNSUBSCRIBE (MQTT 3.1.1 and 5 sections 3.8 and 3.10).

#include "mqtt/codec/decode_packets.hpp"
#include "mqtt/codec/topic.hpp"

namespace tether::mqtt::codec::detail {
namespace {

constexpr std::string_view share_prefix = "$share/";

// `$share/{group}/{filter}`: a group without wildcards, then a filter (MQTT 5 section 4.8.2).
bool is_valid_shared(std::string_view filter) noexcept {
  const auto rest = filter.substr(share_prefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  const auto group = rest.substr(0, slash);
  return group.find_first_of("+#") == std::string_view::npos && slash + 1 < rest.size();
}

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

// MQTT 5 subscription options (section 3.8.3.1): QoS 3, Retain Handling 3 and the reserved bits 6..7 are
// errors; Mosquitto's data answers all three as malformed.
boost::system::error_code read_options(byte_reader& r, subscription& s) {
  auto options = r.read_u8();
  if (!options) return options.error();
  const std::uint8_t o = *options;
  s.qos = o & 0x03;
  s.no_local = (o & 0x04) != 0;
  s.retain_as_published = (o & 0x08) != 0;
  s.retain_handling = static_cast<std::uint8_t>((o >> 4) & 0x03);
  if (s.qos == 3 || s.retain_handling == 3 || (o & 0xC0) != 0)
    return codec_error::invalid_subscription_options;
  if (s.filter.starts_with(share_prefix)) {
    if (!is_valid_shared(s.filter) || s.no_local)
      return codec_error::invalid_shared_subscription;  // [MQTT-3.8.3-4]
  }
  return {};
}

}  // namespace

result<packet> decode_subscribe(byte_reader& r, protocol_version version) {
  subscribe s;
  auto id = r.read_packet_id();
  if (!id) return id.error();
  s.packet_id = *id;
  const bool v5 = version == protocol_version::v5;
  if (v5) {
    if (auto ec = read_properties(r, property_context::subscribe, s.properties)) return ec;
  }
  while (!r.at_end()) {
    auto filter = read_filter(r);
    if (!filter) return filter.error();
    subscription sub{std::string(*filter)};
    if (v5) {
      if (auto ec = read_options(r, sub)) return ec;
    } else {
      auto qos = read_requested_qos(r);
      if (!qos) return qos.error();
      sub.qos = *qos;
    }
    s.subscriptions.push_back(std::move(sub));
  }
  if (s.subscriptions.empty()) return make_error_code(codec_error::no_subscriptions);  // [MQTT-3.8.3-3]
  return packet{std::move(s)};
}

result<packet> decode_unsubscribe(byte_reader& r, protocol_version version) {
  unsubscribe u;
  auto id = r.read_packet_id();
  if (!id) return id.error();
  u.packet_id = *id;
  if (version == protocol_version::v5) {
    if (auto ec = read_properties(r, property_context::unsubscribe, u.properties)) return ec;
  }
  while (!r.at_end()) {
    auto filter = read_filter(r);
    if (!filter) return filter.error();
    u.filters.emplace_back(*filter);
  }
  if (u.filters.empty()) return make_error_code(codec_error::no_subscriptions);  // [MQTT-3.10.3-2]
  return packet{std::move(u)};
}

}  // namespace tether::mqtt::codec::detail
