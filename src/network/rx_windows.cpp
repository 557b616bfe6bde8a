#include "network/rx_windows.hpp"

#include "lorawan/airtime.hpp"

#include <algorithm>
#include <charconv>

namespace tether::network {
namespace {

// Concentrator timestamps are microseconds modulo 2^32.
std::uint32_t after(std::uint32_t timestamp, std::chrono::seconds delay) {
  return timestamp + static_cast<std::uint32_t>(std::chrono::microseconds(delay).count());
}

tx_settings downlink_settings(const lorawan::band::band& band, data_rate dr, std::uint64_t frequency,
                              const rx_metadata& path, std::chrono::seconds delay) {
  tx_settings s;
  s.data_rate = std::move(dr);
  s.frequency = frequency;
  s.timestamp = after(path.timestamp, delay);
  s.antenna_index = path.antenna_index;
  s.tx_power = band.default_max_eirp;
  s.invert_polarization = true;  // devices listen with inverted IQ
  return s;
}

// "4/5" -> 5; anything unreadable counts as 4/5, the only rate LoRaWAN uplinks use.
std::uint8_t coding_rate_denominator(const std::string& cr) {
  unsigned value = 5;
  if (cr.size() > 2 && cr.starts_with("4/")) std::from_chars(cr.data() + 2, cr.data() + cr.size(), value);
  return value >= 5 && value <= 8 ? static_cast<std::uint8_t>(value) : 5;
}

}  // namespace

namespace {

// Better reception first: higher SNR, then higher RSSI.
bool better(const rx_metadata& a, const rx_metadata& b) {
  if (a.snr != b.snr) return a.snr > b.snr;
  return a.rssi > b.rssi;
}

}  // namespace

void sort_best_first(std::vector<rx_metadata>& metadata) {
  std::stable_sort(metadata.begin(), metadata.end(), better);
}

std::vector<const rx_metadata*> downlink_paths(const std::vector<rx_metadata>& metadata) {
  std::vector<const rx_metadata*> paths;
  for (const auto& m : metadata) {
    if (m.uplink_token.empty()) continue;
    auto same = std::find_if(paths.begin(), paths.end(),
                             [&m](const rx_metadata* p) { return p->gateway_id == m.gateway_id; });
    if (same == paths.end()) {
      paths.push_back(&m);
    } else if (better(m, **same)) {
      *same = &m;
    }
  }
  std::stable_sort(paths.begin(), paths.end(),
                   [](const rx_metadata* a, const rx_metadata* b) { return better(*a, *b); });
  return paths;
}

std::optional<std::uint8_t> uplink_data_rate_index(const lorawan::band::band& band, const data_rate& dr) {
  for (std::size_t i = 0; i < band.data_rates.size(); ++i) {
    const auto& d = band.data_rates[i];
    const bool match = std::visit(
        [&d](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, lora_data_rate>) {
            return d.mod == lorawan::band::modulation::lora && d.spreading_factor == v.spreading_factor &&
                   d.bandwidth == v.bandwidth;
          } else if constexpr (std::is_same_v<T, fsk_data_rate>) {
            return d.mod == lorawan::band::modulation::fsk && d.bit_rate == v.bit_rate;
          } else {
            return d.mod == lorawan::band::modulation::lr_fhss && d.bandwidth == v.operating_channel_width;
          }
        },
        dr);
    if (match) return static_cast<std::uint8_t>(i);  // lowest index first: uplink DRs come first
  }
  return std::nullopt;
}

lorawan::result<data_rate> to_data_rate(const lorawan::band::band& band, std::uint8_t index) {
  if (index >= band.data_rates.size()) return lorawan::lorawan_error::invalid_data_rate;
  const auto& d = band.data_rates[index];
  switch (d.mod) {
    case lorawan::band::modulation::lora:
      return data_rate{lora_data_rate{d.bandwidth, d.spreading_factor, "4/5"}};
    case lorawan::band::modulation::fsk:
      return data_rate{fsk_data_rate{d.bit_rate}};
    default:
      return lorawan::lorawan_error::invalid_data_rate;  // LR-FHSS is uplink only
  }
}

std::chrono::nanoseconds uplink_airtime(const gateway_uplink& up) {
  const auto size = up.raw_payload.size();
  if (const auto* lora = std::get_if<lora_data_rate>(&up.settings.data_rate)) {
    auto t = lorawan::lora_airtime(size, static_cast<std::uint8_t>(lora->spreading_factor), lora->bandwidth,
                                   coding_rate_denominator(lora->coding_rate));
    return t ? std::chrono::nanoseconds(*t) : std::chrono::nanoseconds{0};
  }
  if (const auto* fsk = std::get_if<fsk_data_rate>(&up.settings.data_rate)) {
    return lorawan::fsk_airtime(size, fsk->bit_rate);
  }
  return std::chrono::nanoseconds{0};
}

lorawan::result<tx_settings> rx1_window(const lorawan::band::band& band, const tx_settings& uplink,
                                        const rx_metadata& path, std::chrono::seconds delay,
                                        std::uint8_t rx1_dr_offset) {
  const auto up_dr = uplink_data_rate_index(band, uplink.data_rate);
  if (!up_dr) return lorawan::lorawan_error::invalid_data_rate;
  auto dr_index = lorawan::band::rx1_data_rate(band, *up_dr, rx1_dr_offset);
  if (!dr_index) return dr_index.error();
  auto frequency = lorawan::band::rx1_frequency(band, static_cast<std::uint32_t>(uplink.frequency));
  if (!frequency) return frequency.error();
  auto dr = to_data_rate(band, *dr_index);
  if (!dr) return dr.error();
  return downlink_settings(band, std::move(*dr), *frequency, path, delay);
}

lorawan::result<tx_settings> rx2_window(const lorawan::band::band& band, std::uint32_t frequency,
                                        std::uint8_t data_rate_index, const rx_metadata& path,
                                        std::chrono::seconds delay) {
  auto dr = to_data_rate(band, data_rate_index);
  if (!dr) return dr.error();
  return downlink_settings(band, std::move(*dr), frequency, path, delay);
}

std::optional<std::uint8_t> downlink_data_rate_index(const lorawan::band::band& band, const data_rate& dr) {
  for (std::uint8_t i = 0; i < band.data_rates.size(); ++i) {
    auto candidate = to_data_rate(band, i);
    if (candidate && *candidate == dr) return i;
  }
  return std::nullopt;
}

}  // namespace tether::network
