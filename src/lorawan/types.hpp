#pragma once
// Vocabulary of the LoRaWAN library. Identifiers (DevAddr, EUIs, NetID, nonces) are held as numbers in
// their big-endian display form; the frame codec byte-reverses them to and from the wire.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace tether::lorawan {

using bytes = std::vector<std::uint8_t>;
using byte_view = std::span<const std::uint8_t>;
using aes_key = std::array<std::uint8_t, 16>;
using aes_block = std::array<std::uint8_t, 16>;
using mic = std::array<std::uint8_t, 4>;  // wire order

enum class direction : std::uint8_t { uplink = 0, downlink = 1 };

constexpr std::size_t max_phy_payload_size = 255;  // the LoRa PHY length field is one byte

}  // namespace tether::lorawan
