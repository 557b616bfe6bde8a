#pragma once
// Regional parameters as data (one file per band, as The Things Stack's pkg/band) plus the few
// functions every band shares. Frequencies in Hz, powers in dBm.

#include "lorawan/error.hpp"
#include "lorawan/types.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tether::lorawan::band {

enum class modulation : std::uint8_t { none, lora, fsk, lr_fhss };

struct data_rate {
  modulation mod = modulation::none;       // none: the index is not defined (RFU) in this band
  std::uint8_t spreading_factor = 0;       // LoRa only
  std::uint32_t bandwidth = 0;             // Hz (LR-FHSS: occupied channel width)
  std::uint32_t bit_rate = 0;              // bit/s
  std::uint8_t max_mac_payload = 0;        // M without a dwell-time limit (RP002, not repeater compatible)
  std::uint8_t max_mac_payload_dwell = 0;  // M under a 400 ms dwell limit; 0: not usable then
  bool defined() const { return mod != modulation::none; }
};

struct channel {
  std::uint32_t frequency = 0;
  std::uint8_t min_data_rate = 0;
  std::uint8_t max_data_rate = 0;
  bool operator==(const channel&) const = default;
};

// A regulatory sub-band: transmissions in it share one duty-cycle budget.
struct sub_band {
  std::uint32_t min_frequency = 0;
  std::uint32_t max_frequency = 0;
  double duty_cycle = 1.0;  // 0.01 = 1 %
  float max_eirp = 0;
};

// Channels of fixed-plan bands: `count` channels from `first`, `step` apart.
struct channel_grid {
  std::uint32_t first = 0;
  std::uint32_t step = 0;
  std::uint8_t count = 0;
  std::uint8_t min_data_rate = 0;
  std::uint8_t max_data_rate = 0;
};

enum class cf_list_type : std::uint8_t { frequencies = 0, channel_mask = 1 };

constexpr std::int8_t no_data_rate = -1;

struct band {
  std::string_view id;  // The Things Stack band ID: EU_863_870, US_902_928, AU_915_928, AS_923
  std::uint32_t min_frequency = 0;
  std::uint32_t max_frequency = 0;
  std::array<data_rate, 16> data_rates{};
  std::span<const channel> default_channels;   // dynamic bands: fixed channels used for joins
  std::span<const channel_grid> uplink_grids;  // fixed bands: 64 x 125 kHz then 8 x 500 kHz
  std::optional<channel_grid> downlink_grid;   // fixed bands: RX1 on uplink channel mod 8
  std::array<std::array<std::int8_t, 8>, 16> rx1_data_rates{};  // [uplink DR][RX1DROffset]
  std::uint8_t max_rx1_dr_offset = 0;
  std::uint8_t rx1_min_data_rate_dwell = 0;  // AS923: RX1 DR floor when the downlink dwell limit applies
  std::uint32_t rx2_frequency = 0;
  std::uint8_t rx2_data_rate = 0;
  std::uint8_t receive_delay_1 = 1;  // seconds; RX2 one second later
  std::uint8_t join_accept_delay_1 = 5;
  std::uint8_t join_accept_delay_2 = 6;
  float default_max_eirp = 0;
  std::uint8_t max_tx_power_index = 0;  // TXPower n means max EIRP - 2n dB
  std::uint8_t max_adr_data_rate = 0;
  std::span<const sub_band> sub_bands;
  cf_list_type cf_list = cf_list_type::frequencies;
  bool supports_new_channel = false;     // NewChannelReq / DlChannelReq (dynamic-channel bands)
  bool supports_tx_param_setup = false;  // TxParamSetupReq (AS923, AU915)
};

const band& eu868();
const band& us915();
const band& au915();
const band& as923();  // group 1
result<const band*> find_band(std::string_view id);

// RX1 data rate for an uplink at `uplink_dr`; the AS923 floor applies when `downlink_dwell` is set.
result<std::uint8_t> rx1_data_rate(const band& b, std::uint8_t uplink_dr, std::uint8_t offset,
                                   bool downlink_dwell = false);
// Dynamic bands answer on the uplink frequency; fixed bands on downlink channel (uplink channel mod 8).
result<std::uint32_t> rx1_frequency(const band& b, std::uint32_t uplink_frequency);
// N: the largest application payload without FOpts (M - 8); nullopt when the DR is not usable.
std::optional<std::uint8_t> max_app_payload(const band& b, std::uint8_t dr, bool uplink_dwell = false);
std::optional<float> tx_power_eirp(const band& b, std::uint8_t tx_power_index);
// Regulatory sub-band containing `frequency` (EU868 duty cycle), if the band defines one.
std::optional<sub_band> sub_band_of(const band& b, std::uint32_t frequency);
// Fixed bands: all 72 uplink channels; dynamic bands: the default channels.
std::vector<channel> uplink_channels(const band& b);

// CFList type 0: up to five extra channel frequencies (channels 3..7 in EU868, 2..6 in AS923).
result<aes_block> cf_list_frequencies(std::span<const std::uint32_t> frequencies);
// CFList type 1: channel-enable mask over channels 0..71 (US915, AU915).
aes_block cf_list_channel_mask(std::span<const bool, 72> enabled);

}  // namespace tether::lorawan::band
