#pragma once
// The internal form of every MQTT control packet. MQTT 3.1, 3.1.1 and 5.0 are normalised into these
// structs at the edge; the broker never sees wire bytes. MQTT 5 adds a `properties` member per packet (empty
// for 3.1/3.1.1, and then encoded as nothing) and reason codes, without changing the 3.1.1 fields.

#include "mqtt/codec/properties.hpp"
#include "mqtt/codec/reason_code.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace tether::mqtt::codec {

enum class protocol_version : std::uint8_t {
  v3_1 = 3,    // protocol name "MQIsdp"
  v3_1_1 = 4,  // protocol name "MQTT"
  v5 = 5,
};

enum class packet_type : std::uint8_t {
  connect = 1,
  connack = 2,
  publish = 3,
  puback = 4,
  pubrec = 5,
  pubrel = 6,
  pubcomp = 7,
  subscribe = 8,
  suback = 9,
  unsubscribe = 10,
  unsuback = 11,
  pingreq = 12,
  pingresp = 13,
  disconnect = 14,
  auth = 15,
};

// CONNACK return codes of MQTT 3.1/3.1.1.
enum class connack_code : std::uint8_t {
  accepted = 0,
  unacceptable_protocol_version = 1,
  identifier_rejected = 2,
  server_unavailable = 3,
  bad_username_or_password = 4,
  not_authorized = 5,
};

struct will_message {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
  property_set properties;  // MQTT 5 will properties (section 3.1.3.2)

  bool operator==(const will_message&) const = default;
};

struct connect {
  protocol_version version = protocol_version::v3_1_1;
  std::string client_id;
  bool clean_session = true;     // Clean Start in MQTT 5
  std::uint16_t keep_alive = 0;  // seconds; 0 disables
  std::optional<will_message> will;
  std::optional<std::string> username;
  std::optional<std::string> password;  // binary data, not necessarily UTF-8
  property_set properties;

  bool operator==(const connect&) const = default;
};

struct connack {
  bool session_present = false;
  connack_code code = connack_code::accepted;  // MQTT 3.1/3.1.1; in 5.0 sent as to_reason_code(code)
  reason_code reason = reason_code::success;   // MQTT 5 only; when set, wins over `code`
  property_set properties;

  bool operator==(const connack&) const = default;
};

struct publish {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;  // only for QoS 1 and 2
  property_set properties;

  bool operator==(const publish&) const = default;
};

// PUBACK, PUBREC, PUBREL and PUBCOMP: a packet identifier, and in MQTT 5 a reason code and properties. When
// the reason is success and there are no properties the encoder leaves both out (section 3.4.2.1).
struct puback {
  std::uint16_t packet_id = 0;
  reason_code reason = reason_code::success;
  property_set properties;

  bool operator==(const puback&) const = default;
};
struct pubrec {
  std::uint16_t packet_id = 0;
  reason_code reason = reason_code::success;
  property_set properties;

  bool operator==(const pubrec&) const = default;
};
struct pubrel {
  std::uint16_t packet_id = 0;
  reason_code reason = reason_code::success;
  property_set properties;

  bool operator==(const pubrel&) const = default;
};
struct pubcomp {
  std::uint16_t packet_id = 0;
  reason_code reason = reason_code::success;
  property_set properties;

  bool operator==(const pubcomp&) const = default;
};

// Subscription options; all but `qos` are MQTT 5 (section 3.8.3.1).
struct subscription {
  std::string filter;
  std::uint8_t qos = 0;
  bool no_local = false;
  bool retain_as_published = false;
  std::uint8_t retain_handling = 0;  // 0 send retained, 1 only for a new subscription, 2 never

  bool operator==(const subscription&) const = default;
};

struct subscribe {
  std::uint16_t packet_id = 0;
  std::vector<subscription> subscriptions;
  property_set properties;  // Subscription Identifier, User Property

  bool operator==(const subscribe&) const = default;
};

// SUBACK return code for a refused subscription (MQTT 3.1.1; in MQTT 5 "unspecified error").
inline constexpr std::uint8_t suback_failure = 0x80;

struct suback {
  std::uint16_t packet_id = 0;
  std::vector<std::uint8_t> return_codes;  // granted QoS 0..2 or suback_failure; MQTT 5 reason codes
  property_set properties;

  bool operator==(const suback&) const = default;
};

struct unsubscribe {
  std::uint16_t packet_id = 0;
  std::vector<std::string> filters;
  property_set properties;

  bool operator==(const unsubscribe&) const = default;
};

struct unsuback {
  std::uint16_t packet_id = 0;
  std::vector<std::uint8_t> reason_codes;  // MQTT 5 only: one per filter of the UNSUBSCRIBE
  property_set properties;

  bool operator==(const unsuback&) const = default;
};

struct pingreq {
  bool operator==(const pingreq&) const = default;
};
struct pingresp {
  bool operator==(const pingresp&) const = default;
};
// In MQTT 5 a DISCONNECT may carry a reason code and properties; empty, it means a normal disconnection.
struct disconnect {
  reason_code reason = reason_code::success;
  property_set properties;

  bool operator==(const disconnect&) const = default;
};

// MQTT 5 only: enhanced authentication (section 3.15).
struct auth {
  reason_code reason = reason_code::success;
  property_set properties;

  bool operator==(const auth&) const = default;
};

// The MQTT 5 reason code for a CONNACK that a realm refused with a 3.1.1 return code (Table 3-1 vs. 3.2.2.2).
constexpr reason_code to_reason_code(connack_code c) noexcept {
  switch (c) {
    case connack_code::accepted:
      return reason_code::success;
    case connack_code::unacceptable_protocol_version:
      return reason_code::unsupported_protocol_version;
    case connack_code::identifier_rejected:
      return reason_code::client_identifier_not_valid;
    case connack_code::server_unavailable:
      return reason_code::server_unavailable;
    case connack_code::bad_username_or_password:
      return reason_code::bad_user_name_or_password;
    case connack_code::not_authorized:
      return reason_code::not_authorized;
  }
  return reason_code::unspecified_error;
}

using packet = std::variant<connect, connack, publish, puback, pubrec, pubrel, pubcomp, subscribe, suback,
                            unsubscribe, unsuback, pingreq, pingresp, disconnect, auth>;

}  // namespace tether::mqtt::codec
