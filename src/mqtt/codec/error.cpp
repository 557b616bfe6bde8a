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
    case codec_error::invalid_variable_integer:
      return "variable byte integer longer than 4 bytes or not in the fewest bytes";
    case codec_error::unknown_property:
      return "unknown property identifier";
    case codec_error::property_not_allowed:
      return "property not allowed in this packet";
    case codec_error::subscribe_property_not_allowed:
      return "property not allowed in SUBSCRIBE or UNSUBSCRIBE";
    case codec_error::duplicate_property:
      return "property given more than once";
    case codec_error::invalid_property_value:
      return "property value out of range";
    case codec_error::invalid_response_topic:
      return "response topic is empty or contains a wildcard";
    case codec_error::invalid_subscription_id:
      return "subscription identifier 0";
    case codec_error::invalid_reason_code:
      return "reason code not defined for this packet";
    case codec_error::auth_data_without_method:
      return "authentication data without an authentication method";
    case codec_error::invalid_shared_subscription:
      return "shared subscription without group or filter, or with No Local";
  }
  return "unknown MQTT codec error";
}

class codec_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "tether.mqtt.codec"; }
  std::string message(int ev) const override { return describe(static_cast<codec_error>(ev)); }
};

// Section 2.2.2.2 makes a misplaced property malformed; Mosquitto's data answers it with 0x82 except in
// SUBSCRIBE and UNSUBSCRIBE, and clients are tested against Mosquitto, so Tether answers as it does.
bool is_protocol_error(codec_error e) noexcept {
  switch (e) {
    case codec_error::reserved_packet_type:
    case codec_error::zero_packet_id:
    case codec_error::unexpected_packet:
    case codec_error::property_not_allowed:
    case codec_error::duplicate_property:
    case codec_error::invalid_property_value:
    case codec_error::invalid_response_topic:
    case codec_error::invalid_reason_code:
    case codec_error::auth_data_without_method:
    case codec_error::invalid_shared_subscription:
      return true;
    default:
      return false;
  }
}

}  // namespace

reason_code reason_for(const boost::system::error_code& ec) noexcept {
  if (ec.category() != codec_category()) return reason_code::unspecified_error;
  const auto e = static_cast<codec_error>(ec.value());
  if (e == codec_error::packet_too_large) return reason_code::packet_too_large;
  if (e == codec_error::unsupported_protocol_version) return reason_code::unsupported_protocol_version;
  return is_protocol_error(e) ? reason_code::protocol_error : reason_code::malformed_packet;
}

const boost::system::error_category& codec_category() noexcept {
  static const codec_category_impl instance;
  return instance;
}

}  // namespace tether::mqtt::codec
