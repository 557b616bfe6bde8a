#pragma once
// Sans-I/O encoding: append a packet's wire bytes to a buffer. Encoding never fails for values the
// broker builds; sizes beyond what MQTT can carry are a programming error (asserted).

#include "mqtt/codec/packet.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace tether::mqtt::codec {

void encode(const packet& p, protocol_version version, std::string& out);

// The hot path: a PUBLISH written straight from its parts, without building a `publish` first.
void encode_publish(std::string_view topic, std::string_view payload, std::uint8_t qos, bool retain, bool dup,
                    std::uint16_t packet_id, protocol_version version, std::string& out);

// Bytes a PUBLISH of these sizes takes on the wire (for buffer limits).
std::size_t publish_wire_size(std::size_t topic_size, std::size_t payload_size, std::uint8_t qos) noexcept;

}  // namespace tether::mqtt::codec
