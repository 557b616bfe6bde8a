// Framing (fixed header, section 2.2) and dispatch of a packet body to its decoder.

#include "mqtt/codec/decoder.hpp"

#include "mqtt/codec/decode_packets.hpp"

namespace tether::mqtt::codec {
namespace {

constexpr std::size_t max_length_bytes = 4;  // [MQTT-2.2.3]

frame_result frame_error(codec_error e) noexcept { return {frame_status::error, {}, make_error_code(e)}; }

enum class direction { to_server, to_client };

bool is_allowed(packet_type type, direction dir, protocol_version version) noexcept {
  switch (type) {
    case packet_type::connect:
    case packet_type::subscribe:
    case packet_type::unsubscribe:
    case packet_type::pingreq:
      return dir == direction::to_server;
    case packet_type::disconnect:  // MQTT 5 lets the server send one too
      return dir == direction::to_server || version == protocol_version::v5;
    case packet_type::connack:
    case packet_type::suback:
    case packet_type::unsuback:
    case packet_type::pingresp:
      return dir == direction::to_client;
    default:
      return true;  // PUBLISH and its acknowledgements, and AUTH, go both ways
  }
}

// The low nibble of the first byte: free for PUBLISH, 0 for CONNECT from MQTT 3.1.1 on, 0010 for
// PUBREL/SUBSCRIBE/UNSUBSCRIBE, else 0 [MQTT-2.2.2-1/2].
bool has_fixed_flags(packet_type type, std::uint8_t flags) noexcept {
  switch (type) {
    case packet_type::publish:
    case packet_type::connect:  // checked by the CONNECT decoder once it knows the protocol version
      return true;
    case packet_type::pubrel:
    case packet_type::subscribe:
    case packet_type::unsubscribe:
      return flags == 0x2;
    default:
      return flags == 0;
  }
}

result<packet> decode_body(packet_type type, std::uint8_t flags, detail::byte_reader& r,
                           protocol_version version, direction dir) {
  using namespace detail;
  switch (type) {
    case packet_type::connect:
      return decode_connect(flags, r);
    case packet_type::connack:
      return decode_connack(r, version);
    case packet_type::publish:
      return decode_publish(flags, r, version, dir == direction::to_client);
    case packet_type::puback:
      return decode_ack<puback>(r, version);
    case packet_type::pubrec:
      return decode_ack<pubrec>(r, version);
    case packet_type::pubrel:
      return decode_ack<pubrel>(r, version);
    case packet_type::pubcomp:
      return decode_ack<pubcomp>(r, version);
    case packet_type::subscribe:
      return decode_subscribe(r, version);
    case packet_type::suback:
      return decode_suback(r, version);
    case packet_type::unsubscribe:
      return decode_unsubscribe(r, version);
    case packet_type::unsuback:
      return decode_unsuback(r, version);
    case packet_type::pingreq:
      return packet{pingreq{}};
    case packet_type::pingresp:
      return packet{pingresp{}};
    case packet_type::disconnect:
      return decode_disconnect(r, version);
    case packet_type::auth:
      return decode_auth(r);
    default:
      return make_error_code(codec_error::reserved_packet_type);
  }
}

result<packet> decode(std::uint8_t first_byte, std::span<const std::uint8_t> body, protocol_version version,
                      direction dir) {
  const auto type = static_cast<packet_type>(first_byte >> 4);
  const auto flags = static_cast<std::uint8_t>(first_byte & 0x0F);
  // AUTH exists from MQTT 5 on; before, type 15 is reserved like type 0.
  const bool reserved =
      first_byte >> 4 == 0 || (type == packet_type::auth && version != protocol_version::v5);
  if (reserved) return make_error_code(codec_error::reserved_packet_type);
  if (!is_allowed(type, dir, version)) return make_error_code(codec_error::unexpected_packet);
  if (!has_fixed_flags(type, flags)) return make_error_code(codec_error::reserved_flags);
  detail::byte_reader r(body);
  auto p = decode_body(type, flags, r, version, dir);
  if (!p) return p;
  if (auto ec = r.expect_end()) return ec;
  return p;
}

}  // namespace

frame_result find_frame(std::span<const std::uint8_t> in, std::size_t max_packet_size) noexcept {
  if (in.empty()) return {};
  std::size_t length = 0;
  for (std::size_t i = 0; i < max_length_bytes; ++i) {
    if (in.size() < i + 2) return {};  // the length byte is not here yet
    const std::uint8_t b = in[i + 1];
    length |= static_cast<std::size_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) != 0) continue;
    if (length > max_packet_size) return frame_error(codec_error::packet_too_large);
    const frame f{in[0], i + 2, length};
    if (in.size() < f.total_size()) return {frame_status::incomplete, f, {}};
    return {frame_status::complete, f, {}};
  }
  return frame_error(codec_error::malformed_remaining_length);
}

result<packet> decode_client_packet(std::uint8_t first_byte, std::span<const std::uint8_t> body,
                                    protocol_version version) {
  return decode(first_byte, body, version, direction::to_server);
}

result<packet> decode_server_packet(std::uint8_t first_byte, std::span<const std::uint8_t> body,
                                    protocol_version version) {
  return decode(first_byte, body, version, direction::to_client);
}

}  // namespace tether::mqtt::codec
