#pragma once
// Class A receive windows as the device sees them: after each uplink it listens in RX1 (the uplink's
// channel as the band maps it, the data rate lowered by RX1DROffset) and in RX2 (fixed frequency and
// data rate) one second later. A downlink the gateway is told to send at any other concentrator time,
// frequency or data rate would never reach the device. Join-accepts use the band's join delays (5 s and
// 6 s) and no offset. Pure.

#include "lorawan/band/band.hpp"
#include "network/radio.hpp"

#include <cstdint>
#include <optional>

namespace tether::sim {

// How a device's receive windows are set: the LoRaWAN defaults of its frequency plan until the
// join-accept, RXTimingSetupReq or RXParamSetupReq change them.
struct rx_settings {
  std::uint8_t rx1_delay = 1;  // seconds; RX2 opens one second later
  std::uint8_t rx1_dr_offset = 0;
  std::uint32_t rx2_frequency = 869'525'000;  // Hz
  std::uint8_t rx2_data_rate = 0;
  bool operator==(const rx_settings&) const = default;
};

// What the device's radio did for one uplink, enough to know where its windows are.
struct sent_frame {
  std::uint32_t frequency = 0;  // Hz
  std::uint8_t data_rate = 0;   // band index
  rx_settings rx;               // as set when the frame left
  bool join_request = false;
};

enum class window_hit { rx1, rx2, wrong_timing, wrong_frequency, wrong_data_rate };

const char* to_string(window_hit w);

// Which window of `up` (sent at concentrator time `uplink_timestamp`) the downlink `down` falls in.
// Timing decides the window; then frequency and data rate must be that window's.
window_hit check_window(const lorawan::band::band& band, const sent_frame& up, std::uint32_t uplink_timestamp,
                        const network::tx_settings& down);

// Microseconds from the uplink to the downlink on a concentrator clock that wraps at 2^32.
std::uint32_t elapsed_us(std::uint32_t uplink_timestamp, std::uint32_t downlink_timestamp);

}  // namespace tether::sim
