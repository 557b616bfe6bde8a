// The error category of the MQTT codec: one message per rule a packet can break.

#include "mqtt/codec/error.hpp"

#include <string>

namespace tether::mqtt::codec {
namespace {

const char* describe(codec_error e) noexcept {
  switch (e) {
    case codec_error::ok:
      return "success";
    case codec_error::malformed_remaining_length:
      return "remaining length uses more than 4 bytes";
    case codec_error::packet_too_large:
      return "packet exceeds the maximum packet size";
    case codec_error::reserved_packet_type:
      return "reserved packet type (0 or 15)";
    case codec_error::reserved_flags:
      return "fixed-header flags differ from the values the spec fixes";
    case codec_error::invalid_qos:
      return "QoS 3 is not a valid QoS";
    case codec_error::dup_on_qos0:
      return "DUP flag set on a QoS 0 PUBLISH";
    case codec_error::truncated:
      return "a field runs past the end of the packet";
    case codec_error::trailing_bytes:
      return "bytes left over after the last field of the packet";
    case codec_error::invalid_utf8:
      return "string is not well-formed UTF-8 or holds a disallowed code point";
    case codec_error::null_character:
      return "string contains U+0000";
    case codec_error::empty_topic:
      return "topic name or filter is empty";
    case codec_error::wildcard_in_topic:
      return "topic name contains a wildcard ('+' or '#')";
    case codec_error::invalid_topic_filter:
      return "topic filter uses a wildcard outside a whole level or '#' not last";
    case codec_error::invalid_protocol_name:
      return "protocol name is neither \"MQTT\" nor \"MQIsdp\"";
    case codec_error::unsupported_protocol_version:
      return "unsupported protocol level";
    case codec_error::invalid_connect_flags:
      return "invalid CONNECT or CONNACK flags";
    case codec_error::zero_packet_id:
      return "packet identifier is 0";
    case codec_error::no_subscriptions:
      return "SUBSCRIBE, SUBACK or UNSUBSCRIBE without any topic";
    case codec_error::invalid_subscription_options:
      return "requested QoS above 2 or reserved option bits set";
    case codec_error::unexpected_packet:
      return "packet type not allowed in this direction";
  }
  return "unknown MQTT codec error";
}

class codec_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "tether.mqtt.codec"; }
  std::string message(int ev) const override { return describe(static_cast<codec_error>(ev)); }
};

}  // namespace

const boost::system::error_category& codec_category() noexcept {
  static const codec_category_impl instance;
  return instance;
}

}  // namespace tether::mqtt::codec
