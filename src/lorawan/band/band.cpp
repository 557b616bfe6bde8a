#include "lorawan/band/band.hpp"

#include "lorawan/frame/wire.hpp"

namespace tether::lorawan::band {
namespace {

std::optional<std::uint8_t> uplink_channel_index(const band& b, std::uint32_t frequency) {
  std::uint32_t base = 0;
  for (const auto& grid : b.uplink_grids) {
    if (frequency >= grid.first && (frequency - grid.first) % grid.step == 0 &&
        (frequency - grid.first) / grid.step < grid.count) {
      return static_cast<std::uint8_t>(base + (frequency - grid.first) / grid.step);
    }
    base += grid.count;
  }
  return std::nullopt;
}

}  // namespace

result<const band*> find_band(std::string_view id) {
  for (const band* b : {&eu868(), &us915(), &au915(), &as923()}) {
    if (b->id == id) return b;
  }
  return lorawan_error::unknown_frequency_plan;
}

result<std::uint8_t> rx1_data_rate(const band& b, std::uint8_t uplink_dr, std::uint8_t offset,
                                   bool downlink_dwell) {
  if (uplink_dr >= b.rx1_data_rates.size() || offset > b.max_rx1_dr_offset)
    return lorawan_error::invalid_data_rate;
  const std::int8_t dr = b.rx1_data_rates[uplink_dr][offset];
  if (dr == no_data_rate) return lorawan_error::invalid_data_rate;
  const auto value = static_cast<std::uint8_t>(dr);
  return downlink_dwell && value < b.rx1_min_data_rate_dwell ? b.rx1_min_data_rate_dwell : value;
}

result<std::uint32_t> rx1_frequency(const band& b, std::uint32_t uplink_frequency) {
  if (uplink_frequency < b.min_frequency || uplink_frequency > b.max_frequency) {
    return lorawan_error::invalid_frequency;
  }
  if (!b.downlink_grid) return uplink_frequency;
  const auto index = uplink_channel_index(b, uplink_frequency);
  if (!index) return lorawan_error::invalid_frequency;
  return b.downlink_grid->first + b.downlink_grid->step * (*index % b.downlink_grid->count);
}

std::optional<std::uint8_t> max_app_payload(const band& b, std::uint8_t dr, bool uplink_dwell) {
  if (dr >= b.data_rates.size() || !b.data_rates[dr].defined()) return std::nullopt;
  const std::uint8_t m =
      uplink_dwell ? b.data_rates[dr].max_mac_payload_dwell : b.data_rates[dr].max_mac_payload;
  if (m <= 8) return std::nullopt;
  return static_cast<std::uint8_t>(m - 8);
}

std::optional<float> tx_power_eirp(const band& b, std::uint8_t tx_power_index) {
  if (tx_power_index > b.max_tx_power_index) return std::nullopt;
  return b.default_max_eirp - 2.0f * tx_power_index;
}

std::optional<sub_band> sub_band_of(const band& b, std::uint32_t frequency) {
  for (const auto& s : b.sub_bands) {
    if (frequency >= s.min_frequency && frequency <= s.max_frequency) return s;
  }
  return std::nullopt;
}

std::vector<channel> uplink_channels(const band& b) {
  std::vector<channel> out(b.default_channels.begin(), b.default_channels.end());
  for (const auto& grid : b.uplink_grids) {
    for (std::uint32_t i = 0; i < grid.count; ++i) {
      out.push_back({grid.first + grid.step * i, grid.min_data_rate, grid.max_data_rate});
    }
  }
  return out;
}

result<aes_block> cf_list_frequencies(std::span<const std::uint32_t> frequencies) {
  if (frequencies.size() > 5) return lorawan_error::invalid_field;
  aes_block out{};  // unused slots stay 0 (channel disabled); the last byte is CFListType 0
  for (std::size_t i = 0; i < frequencies.size(); ++i) {
    if (frequencies[i] % 100 != 0 || frequencies[i] / 100 > 0xffffff) return lorawan_error::invalid_frequency;
    wire::write_le(out.data() + 3 * i, frequencies[i] / 100, 3);
  }
  return out;
}

aes_block cf_list_channel_mask(std::span<const bool, 72> enabled) {
  aes_block out{};  // 5 x 16-bit masks, 5 RFU bytes, CFListType
  for (std::size_t ch = 0; ch < enabled.size(); ++ch) {
    if (enabled[ch]) out[ch / 8] = static_cast<std::uint8_t>(out[ch / 8] | (1u << (ch % 8)));
  }
  out[15] = static_cast<std::uint8_t>(cf_list_type::channel_mask);
  return out;
}

}  // namespace tether::lorawan::band
