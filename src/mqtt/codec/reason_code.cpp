// Which reason codes each MQTT 5 packet may carry (the tables of section 3).

#include "mqtt/codec/reason_code.hpp"

#include <algorithm>
#include <array>
#include <span>

namespace tether::mqtt::codec {
namespace {

constexpr std::array<std::uint8_t, 22> connack_codes = {0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86,
                                                        0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97,
                                                        0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F};
constexpr std::array<std::uint8_t, 9> puback_codes = {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99};
constexpr std::array<std::uint8_t, 2> pubrel_codes = {0x00, 0x92};
constexpr std::array<std::uint8_t, 12> suback_codes = {0x00, 0x01, 0x02, 0x80, 0x83, 0x87,
                                                       0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2};
constexpr std::array<std::uint8_t, 7> unsuback_codes = {0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91};
constexpr std::array<std::uint8_t, 29> disconnect_codes = {
    0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94,
    0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2};
constexpr std::array<std::uint8_t, 3> auth_codes = {0x00, 0x18, 0x19};

std::span<const std::uint8_t> codes_of(reason_packet p) noexcept {
  switch (p) {
    case reason_packet::connack:
      return connack_codes;
    case reason_packet::puback:
      return puback_codes;
    case reason_packet::pubrel:
      return pubrel_codes;
    case reason_packet::suback:
      return suback_codes;
    case reason_packet::unsuback:
      return unsuback_codes;
    case reason_packet::disconnect:
      return disconnect_codes;
    case reason_packet::auth:
      return auth_codes;
  }
  return {};
}

}  // namespace

bool is_valid_reason(reason_packet packet, std::uint8_t code) noexcept {
  const auto codes = codes_of(packet);
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

}  // namespace tether::mqtt::codec
