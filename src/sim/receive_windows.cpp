#include "sim/receive_windows.hpp"

#include "network/rx_windows.hpp"

namespace tether::sim {
namespace {

constexpr std::uint32_t us_per_second = 1'000'000;

}  // namespace

const char* to_string(window_hit w) {
  switch (w) {
    case window_hit::rx1:
      return "RX1";
    case window_hit::rx2:
      return "RX2";
    case window_hit::wrong_timing:
      return "wrong timing";
    case window_hit::wrong_frequency:
      return "wrong frequency";
    case window_hit::wrong_data_rate:
      return "wrong data rate";
  }
  return "?";
}

std::uint32_t elapsed_us(std::uint32_t uplink_timestamp, std::uint32_t downlink_timestamp) {
  return downlink_timestamp - uplink_timestamp;  // unsigned arithmetic wraps like the concentrator
}

window_hit check_window(const lorawan::band::band& band, const sent_frame& up, std::uint32_t uplink_timestamp,
                        const network::tx_settings& down) {
  const std::uint32_t rx1_delay =
      up.join_request ? band.join_accept_delay_1 : (up.rx.rx1_delay ? up.rx.rx1_delay : 1u);
  const std::uint32_t rx2_delay = up.join_request ? band.join_accept_delay_2 : rx1_delay + 1;
  const auto elapsed = elapsed_us(uplink_timestamp, down.timestamp);
  std::uint64_t frequency = 0;
  std::optional<std::uint8_t> dr;
  window_hit hit;
  if (elapsed == rx1_delay * us_per_second) {
    hit = window_hit::rx1;
    auto f = lorawan::band::rx1_frequency(band, up.frequency);
    auto d = lorawan::band::rx1_data_rate(band, up.data_rate, up.join_request ? 0 : up.rx.rx1_dr_offset);
    if (!f || !d) return window_hit::wrong_frequency;  // the device could not listen at all
    frequency = *f;
    dr = *d;
  } else if (elapsed == rx2_delay * us_per_second) {
    hit = window_hit::rx2;
    frequency = up.rx.rx2_frequency;
    dr = up.rx.rx2_data_rate;
  } else {
    return window_hit::wrong_timing;
  }
  if (down.frequency != frequency) return window_hit::wrong_frequency;
  // The network's own radio description of the DR the device listens at (US915 uplink DR4 and
  // downlink DR12 share a modulation, so the index the downlink names cannot be looked up backwards).
  if (auto expected = network::to_data_rate(band, *dr); !expected || *expected != down.data_rate) {
    return window_hit::wrong_data_rate;
  }
  return hit;
}

}  // namespace tether::sim
