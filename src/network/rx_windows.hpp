#pragma once
// Class A receive windows: which gateway answers an uplink and with what radio settings, for
// join-accepts and data downlinks alike (network/try_windows.hpp tries them).

#include "lorawan/band/band.hpp"
#include "lorawan/band/frequency_plan.hpp"
#include "lorawan/error.hpp"
#include "network/radio.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace tether::network {

// Best reception first: highest SNR, then highest RSSI (TTS and ChirpStack rank gateways this way).
void sort_best_first(std::vector<rx_metadata>& metadata);
// Every gateway that can answer (its reception carries an uplink token), its best reception each, best
// first: when the best gateway's transmitter is taken the next may carry the downlink.
std::vector<const rx_metadata*> downlink_paths(const std::vector<rx_metadata>& metadata);

// The band's uplink data-rate index for a received modulation; nullopt when the band has none.
std::optional<std::uint8_t> uplink_data_rate_index(const lorawan::band::band& band, const data_rate& dr);
// The index of a downlink data rate; US915 downlinks (DR8-13) sit above the uplink ones.
std::optional<std::uint8_t> downlink_data_rate_index(const lorawan::band::band& band, const data_rate& dr);
// The radio description of the band's data rate `index` (downlinks use coding rate 4/5).
lorawan::result<data_rate> to_data_rate(const lorawan::band::band& band, std::uint8_t index);

// Time on air of a received uplink as TTS reports it in consumed_airtime; zero for LR-FHSS.
std::chrono::nanoseconds uplink_airtime(const gateway_uplink& up);

// RX1: the uplink's channel mapped by the band, its data rate lowered by `rx1_dr_offset`, at
// `delay` after the end of the uplink (concentrator time of `path`).
lorawan::result<tx_settings> rx1_window(const lorawan::band::band& band, const tx_settings& uplink,
                                        const rx_metadata& path, std::chrono::seconds delay,
                                        std::uint8_t rx1_dr_offset);
// RX2: the plan's fixed frequency and data rate, at `delay` after the end of the uplink.
lorawan::result<tx_settings> rx2_window(const lorawan::band::band& band, std::uint32_t frequency,
                                        std::uint8_t data_rate_index, const rx_metadata& path,
                                        std::chrono::seconds delay);

}  // namespace tether::network
