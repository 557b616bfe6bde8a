#pragma once
// Internal to the codec: reading and writing an MQTT 5 property list (length + properties, section 2.2.2).

#include "mqtt/codec/byte_reader.hpp"
#include "mqtt/codec/properties.hpp"

#include <cstddef>
#include <string>

namespace tether::mqtt::codec::detail {

// Where a property list sits; each allows the identifiers of Table 2-4.
enum class property_context : std::uint8_t {
  connect,
  will,
  connack,
  // From a client: one Subscription Identifier at most. [MQTT-3.3.4-6] forbids it there, but Mosquitto's
  // conformance data answers it with a PUBACK, so it is accepted as there.
  publish,
  publish_from_server,  // to a client: one Subscription Identifier per matching subscription
  ack,                  // PUBACK, PUBREC, PUBREL, PUBCOMP
  subscribe,
  suback,
  unsubscribe,
  unsuback,
  disconnect,
  auth,
};

// Reads the property length and the properties it covers. Errors: truncated, invalid_variable_integer or
// unknown_property (malformed); duplicate_property, invalid_property_value, invalid_response_topic or
// property_not_allowed (protocol errors; subscribe_property_not_allowed, malformed, in SUBSCRIBE and
// UNSUBSCRIBE). Every property is read before the allowed set is checked, so a malformed list is reported as
// malformed even when it also holds a disallowed identifier.
boost::system::error_code read_properties(byte_reader& r, property_context where, property_set& out);

// Bytes of the properties alone, without the length in front.
std::size_t properties_size(const property_set& p) noexcept;
// Bytes of the length and the properties.
std::size_t property_list_size(const property_set& p) noexcept;
void put_properties(std::string& out, const property_set& p);

}  // namespace tether::mqtt::codec::detail
