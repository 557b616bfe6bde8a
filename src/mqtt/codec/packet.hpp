#pragma once
// The internal form of every MQTT control packet. MQTT 3.1, 3.1.1 (and later 5.0) are normalised into
// these structs at the edge; the broker never sees wire bytes. MQTT 5 properties will slot in as an
// optional `properties` member per packet without changing the existing fields.

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

  bool operator==(const will_message&) const = default;
};

struct connect {
  protocol_version version = protocol_version::v3_1_1;
  std::string client_id;
  bool clean_session = true;
  std::uint16_t keep_alive = 0;  // seconds; 0 disables
  std::optional<will_message> will;
  std::optional<std::string> username;
  std::optional<std::string> password;  // binary data, not necessarily UTF-8

  bool operator==(const connect&) const = default;
};

struct connack {
  bool session_present = false;
  connack_code code = connack_code::accepted;

  bool operator==(const connack&) const = default;
};

struct publish {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;  // only for QoS 1 and 2

  bool operator==(const publish&) const = default;
};

// PUBACK, PUBREC, PUBREL and PUBCOMP carry nothing but a packet identifier.
struct puback {
  std::uint16_t packet_id = 0;

  bool operator==(const puback&) const = default;
};
struct pubrec {
  std::uint16_t packet_id = 0;

  bool operator==(const pubrec&) const = default;
};
struct pubrel {
  std::uint16_t packet_id = 0;

  bool operator==(const pubrel&) const = default;
};
struct pubcomp {
  std::uint16_t packet_id = 0;

  bool operator==(const pubcomp&) const = default;
};

struct subscription {
  std::string filter;
  std::uint8_t qos = 0;

  bool operator==(const subscription&) const = default;
};

struct subscribe {
  std::uint16_t packet_id = 0;
  std::vector<subscription> subscriptions;

  bool operator==(const subscribe&) const = default;
};

// SUBACK return code for a refused subscription.
inline constexpr std::uint8_t suback_failure = 0x80;

struct suback {
  std::uint16_t packet_id = 0;
  std::vector<std::uint8_t> return_codes;  // granted QoS 0..2 or suback_failure

  bool operator==(const suback&) const = default;
};

struct unsubscribe {
  std::uint16_t packet_id = 0;
  std::vector<std::string> filters;

  bool operator==(const unsubscribe&) const = default;
};

struct unsuback {
  std::uint16_t packet_id = 0;

  bool operator==(const unsuback&) const = default;
};

struct pingreq {
  bool operator==(const pingreq&) const = default;
};
struct pingresp {
  bool operator==(const pingresp&) const = default;
};
struct disconnect {
  bool operator==(const disconnect&) const = default;
};

using packet = std::variant<connect, connack, publish, puback, pubrec, pubrel, pubcomp, subscribe, suback,
                            unsubscribe, unsuback, pingreq, pingresp, disconnect>;

}  // namespace tether::mqtt::codec
