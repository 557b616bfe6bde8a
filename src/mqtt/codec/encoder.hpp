#pragma once
// Sans-I/O encoding: append a packet's wire bytes to a buffer. Encoding never fails for values the
// broker builds; sizes beyond what MQTT can carry are a programming error (asserted). MQTT 5 fields
// (properties, reason codes, subscription options) are written only when `version` is v5.

#include "mqtt/codec/packet.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace tether::mqtt::codec {

void encode(const packet& p, protocol_version version, std::string& out);

// The hot path: a PUBLISH written straight from its parts, without building a `publish` first. In MQTT 5
// the first form writes an empty property list.
void encode_publish(std::string_view topic, std::string_view payload, std::uint8_t qos, bool retain, bool dup,
                    std::uint16_t packet_id, protocol_version version, std::string& out);
void encode_publish(std::string_view topic, std::string_view payload, std::uint8_t qos, bool retain, bool dup,
                    std::uint16_t packet_id, protocol_version version, const property_set& properties,
                    std::string& out);

// Bytes an MQTT 3.1.1 PUBLISH of these sizes takes on the wire (for buffer limits).
std::size_t publish_wire_size(std::size_t topic_size, std::size_t payload_size, std::uint8_t qos) noexcept;

}  // namespace tether::mqtt::codec
