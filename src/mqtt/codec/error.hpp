#pragma once
// Why a byte sequence is not a valid MQTT packet. Each value names the rule it breaks so that the
// connection can log the cause before it closes.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "mqtt/codec/reason_code.hpp"

#include <type_traits>

namespace tether::mqtt::codec {

enum class codec_error {
  ok = 0,
  malformed_remaining_length = 1,  // more than 4 length bytes [MQTT-2.2.3]
  packet_too_large,                // over the configured maximum packet size
  reserved_packet_type,            // type 0 or 15 (AUTH before MQTT 5)
  reserved_flags,                  // fixed-header flags not as the spec fixes them [MQTT-2.2.2-1/2]
  invalid_qos,                     // QoS 3 [MQTT-3.3.1-4]
  dup_on_qos0,                     // DUP set on a QoS 0 PUBLISH [MQTT-3.3.1-2]
  truncated,                       // a field runs past the end of the packet
  trailing_bytes,                  // bytes left over after the last field
  invalid_utf8,                    // ill-formed UTF-8 or U+D800..U+DFFF [MQTT-1.5.3-1]
  null_character,                  // U+0000 in a string [MQTT-1.5.3-2]
  empty_topic,                     // zero-length topic name or filter [MQTT-4.7.3-1]
  wildcard_in_topic,               // '+' or '#' in a PUBLISH topic [MQTT-3.3.2-2]
  invalid_topic_filter,            // '#' not last, or a wildcard sharing a level [MQTT-4.7.1-2/3]
  invalid_protocol_name,           // neither "MQTT" nor "MQIsdp" [MQTT-3.1.2-1]
  unsupported_protocol_version,    // known name, unknown level: CONNACK 1 [MQTT-3.1.2-2]
  invalid_connect_flags,           // reserved flag set, will flags without will, password without user
  zero_packet_id,                  // packet identifier 0 [MQTT-2.3.1-1]
  no_subscriptions,                // SUBSCRIBE or UNSUBSCRIBE with no topic [MQTT-3.8.3-3/3.10.3-2]
  invalid_subscription_options,    // requested QoS 3 or reserved bits set [MQTT-3.8.3-4]
  unexpected_packet,               // a packet a client must never send (CONNACK, SUBACK, ...)
  // MQTT 5 only (sections 1.5.5, 2.2.2, 2.4):
  invalid_variable_integer,        // more than 4 bytes or not in the fewest bytes [MQTT-1.5.5-1]
  unknown_property,                // a property identifier the standard does not define (section 2.2.2.2)
  property_not_allowed,            // a defined property in a packet that may not carry it (Table 2-4)
  subscribe_property_not_allowed,  // the same in SUBSCRIBE/UNSUBSCRIBE: malformed, as section 2.2.2.2 says
  duplicate_property,              // a single-valued property given twice (section 2.2.2.2)
  invalid_property_value,          // e.g. a flag property not 0 or 1, Receive Maximum 0 [MQTT-3.3.2-4]
  invalid_response_topic,          // empty or wildcard Response Topic [MQTT-3.3.2-14]
  invalid_subscription_id,         // Subscription Identifier 0 (section 3.8.2.1.2)
  invalid_reason_code,             // a reason code not defined for this packet (section 2.4)
  auth_data_without_method,        // Authentication Data without Authentication Method (section 3.1.2.11.10)
  invalid_shared_subscription,     // $share without group or filter, or No Local on it [MQTT-3.8.3-4]
};

const boost::system::error_category& codec_category() noexcept;

// The reason code an MQTT 5 server sends (in DISCONNECT, or CONNACK for a bad CONNECT) for a packet that
// failed to decode: 0x81 Malformed Packet, 0x82 Protocol Error, 0x84 or 0x95 where they fit. Where the
// standard does not pick, the choice follows Mosquitto's conformance data.
reason_code reason_for(const boost::system::error_code& ec) noexcept;

inline boost::system::error_code make_error_code(codec_error e) noexcept {
  return {static_cast<int>(e), codec_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace tether::mqtt::codec

template <>
struct boost::system::is_error_code_enum<tether::mqtt::codec::codec_error> : std::true_type {};
