#pragma once
// Time on air of a LoRa or FSK transmission, as The Things Stack computes it (pkg/toa): explicit header,
// CRC always counted, low-data-rate optimisation for SF11/SF12 at 125 kHz only.

#include "lorawan/band/band.hpp"
#include "lorawan/error.hpp"

#include <chrono>
#include <cstdint>
#include <optional>

namespace tether::lorawan {

// `coding_rate` is the denominator of 4/x (5..8); `payload_size` is the PHYPayload length.
// `low_data_rate_optimization` overrides the TTS rule (SF11/SF12 at 125 kHz).
result<std::chrono::microseconds> lora_airtime(std::size_t payload_size, std::uint8_t spreading_factor,
                                               std::uint32_t bandwidth, std::uint8_t coding_rate = 5,
                                               std::optional<bool> low_data_rate_optimization = std::nullopt);
// FSK: 5 preamble bytes, 3 sync, 1 length, 2 CRC.
std::chrono::microseconds fsk_airtime(std::size_t payload_size, std::uint32_t bit_rate);
// Dispatches on the band's data-rate table (LoRa with CR 4/5, FSK); LR-FHSS is not supported.
result<std::chrono::microseconds> airtime(const band::data_rate& dr, std::size_t payload_size);

}  // namespace tether::lorawan
