#pragma once
// MQTT 5 properties (section 2.2.2): the optional, typed fields that follow a packet's variable header.
// One `property_set` type serves every packet; which identifiers a packet may carry is checked by the
// decoder (Table 2-4). An empty set is what MQTT 3.1/3.1.1 packets carry and encodes as nothing.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tether::mqtt::codec {

enum class property_id : std::uint8_t {
  payload_format_indicator = 0x01,           // byte
  message_expiry_interval = 0x02,            // four-byte integer
  content_type = 0x03,                       // UTF-8 string
  response_topic = 0x08,                     // UTF-8 string
  correlation_data = 0x09,                   // binary data
  subscription_identifier = 0x0B,            // variable byte integer
  session_expiry_interval = 0x11,            // four-byte integer
  assigned_client_identifier = 0x12,         // UTF-8 string
  server_keep_alive = 0x13,                  // two-byte integer
  authentication_method = 0x15,              // UTF-8 string
  authentication_data = 0x16,                // binary data
  request_problem_information = 0x17,        // byte
  will_delay_interval = 0x18,                // four-byte integer
  request_response_information = 0x19,       // byte
  response_information = 0x1A,               // UTF-8 string
  server_reference = 0x1C,                   // UTF-8 string
  reason_string = 0x1F,                      // UTF-8 string
  receive_maximum = 0x21,                    // two-byte integer
  topic_alias_maximum = 0x22,                // two-byte integer
  topic_alias = 0x23,                        // two-byte integer
  maximum_qos = 0x24,                        // byte
  retain_available = 0x25,                   // byte
  user_property = 0x26,                      // UTF-8 string pair
  maximum_packet_size = 0x27,                // four-byte integer
  wildcard_subscription_available = 0x28,    // byte
  subscription_identifier_available = 0x29,  // byte
  shared_subscription_available = 0x2A,      // byte
};

struct user_property {
  std::string name;
  std::string value;

  bool operator==(const user_property&) const = default;
};

struct property_set {
  std::optional<std::uint8_t> payload_format_indicator;  // 0 unspecified bytes, 1 UTF-8
  std::optional<std::uint32_t> message_expiry_interval;  // seconds
  std::optional<std::string> content_type;
  std::optional<std::string> response_topic;
  std::optional<std::string> correlation_data;
  std::vector<std::uint32_t> subscription_identifiers;   // several only in a PUBLISH to a client
  std::optional<std::uint32_t> session_expiry_interval;  // seconds; 0xFFFFFFFF never expires
  std::optional<std::string> assigned_client_identifier;
  std::optional<std::uint16_t> server_keep_alive;  // seconds
  std::optional<std::string> authentication_method;
  std::optional<std::string> authentication_data;
  std::optional<std::uint8_t> request_problem_information;
  std::optional<std::uint32_t> will_delay_interval;  // seconds
  std::optional<std::uint8_t> request_response_information;
  std::optional<std::string> response_information;
  std::optional<std::string> server_reference;
  std::optional<std::string> reason_string;
  std::optional<std::uint16_t> receive_maximum;
  std::optional<std::uint16_t> topic_alias_maximum;
  std::optional<std::uint16_t> topic_alias;
  std::optional<std::uint8_t> maximum_qos;
  std::optional<std::uint8_t> retain_available;
  std::vector<user_property> user_properties;  // in order, repeats allowed [MQTT-3.3.2-18]
  std::optional<std::uint32_t> maximum_packet_size;
  std::optional<std::uint8_t> wildcard_subscription_available;
  std::optional<std::uint8_t> subscription_identifier_available;
  std::optional<std::uint8_t> shared_subscription_available;

  bool empty() const noexcept { return *this == property_set{}; }
  bool operator==(const property_set&) const = default;
};

}  // namespace tether::mqtt::codec
