#include "sim/radio_model.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace tether::sim {
namespace {

network::tx_settings settings_for(const lorawan::band::band& band, const lorawan::band::channel& ch) {
  network::tx_settings s;
  s.frequency = ch.frequency;
  s.enable_crc = true;
  network::lora_data_rate dr{125'000, 7, "4/5"};
  // The fastest LoRa data rate the channel allows (SF7 on EU868 and US915 125 kHz channels).
  for (int i = ch.max_data_rate; i >= ch.min_data_rate; --i) {
    const auto& d = band.data_rates[static_cast<std::size_t>(i)];
    if (d.mod == lorawan::band::modulation::lora) {
      dr = {d.bandwidth, d.spreading_factor, "4/5"};
      break;
    }
  }
  s.data_rate = dr;
  return s;
}

}  // namespace

radio_model::radio_model(std::size_t gateways, std::size_t per_device, lorawan::band::frequency_plan plan)
    : gateways_(gateways),
      per_device_(std::clamp<std::size_t>(per_device, 1, gateways)),
      plan_(std::move(plan)) {
  if (gateways_ == 0) throw std::invalid_argument("at least one gateway is needed");
  for (const auto& ch : plan_.uplink_channels) channels_.push_back(settings_for(*plan_.band, ch));
  if (channels_.empty()) throw std::invalid_argument("frequency plan " + plan_.id + " has no uplink channel");
}

std::vector<reception> radio_model::receptions(std::size_t device, std::mt19937_64& rng) const {
  std::uniform_real_distribution<float> jitter(-2.0f, 2.0f);
  std::vector<reception> out;
  out.reserve(per_device_);
  // Device i sits nearest gateway i mod G; the next gateways are each ~12 dB farther away.
  for (std::size_t k = 0; k < per_device_; ++k) {
    auto rank = static_cast<float>(k);
    out.push_back(
        {(device + k) % gateways_, -55.0f - 12.0f * rank + jitter(rng), 9.0f - 4.0f * rank + jitter(rng)});
  }
  return out;
}

bool radio_model::hears(std::size_t device, std::size_t gateway) const noexcept {
  // The receptions above: gateways device, device + 1, ... (mod G).
  const auto rank = (gateway + gateways_ - device % gateways_) % gateways_;
  return gateway < gateways_ && rank < per_device_;
}

network::tx_settings radio_model::settings(std::uint64_t n) const { return channels_[n % channels_.size()]; }

network::gateway_uplink make_gateway_uplink(const std::string& gateway_id, const reception& r,
                                            const network::tx_settings& settings,
                                            const lorawan::bytes& phy_payload, std::uint32_t concentrator_us,
                                            network::time_point now) {
  network::gateway_uplink up;
  up.raw_payload = phy_payload;
  up.settings = settings;
  up.settings.timestamp = concentrator_us;
  network::rx_metadata md;
  md.gateway_id = gateway_id;
  md.timestamp = concentrator_us;
  md.time = now;
  md.rssi = r.rssi;
  md.channel_rssi = r.rssi;
  md.snr = r.snr;
  up.rx_metadata.push_back(std::move(md));
  return up;
}

}  // namespace tether::sim
