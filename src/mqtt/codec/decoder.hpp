#pragma once
// Sans-I/O decoding: find where a packet ends in a byte stream, then turn its bytes into a `packet`.
// Never reads past the span it is given; every violation is an error value, never an exception.

#include "mqtt/codec/error.hpp"
#include "mqtt/codec/packet.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tether::mqtt::codec {

// Where the next packet sits in a buffer.
struct frame {
  std::uint8_t first_byte = 0;  // packet type (high nibble) and flags (low nibble)
  std::size_t header_size = 0;  // fixed header: 1 byte + 1..4 remaining-length bytes
  std::size_t body_size = 0;    // remaining length
  std::size_t total_size() const noexcept { return header_size + body_size; }
};

enum class frame_status { complete, incomplete, error };

struct frame_result {
  frame_status status = frame_status::incomplete;
  frame value{};
  boost::system::error_code error{};
};

// Looks at the fixed header at the front of `in`. `complete` only when the whole packet is present.
// A remaining length over `max_packet_size` is reported as soon as the length bytes are read, so a
// client cannot make the server buffer an oversize packet.
frame_result find_frame(std::span<const std::uint8_t> in, std::size_t max_packet_size) noexcept;

// Decodes one packet that a client sends to a server. `version` is the level negotiated by the
// CONNECT (a CONNECT packet itself carries its own level and ignores it).
result<packet> decode_client_packet(std::uint8_t first_byte, std::span<const std::uint8_t> body,
                                    protocol_version version);

// Decodes one packet that a server sends to a client (used by the load generator and tests).
result<packet> decode_server_packet(std::uint8_t first_byte, std::span<const std::uint8_t> body,
                                    protocol_version version);

}  // namespace tether::mqtt::codec
