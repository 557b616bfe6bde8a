#include "network/mac_commands.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

namespace tether::network {
namespace {

constexpr std::int64_t gps_epoch_unix_s = 315'964'800;  // 1980-01-06T00:00:00Z
constexpr std::int64_t gps_leap_seconds = 18;           // GPS - UTC since 2017-01-01

}  // namespace

double demodulation_floor(std::uint32_t spreading_factor) {
  return -7.5 - 2.5 * (static_cast<double>(spreading_factor) - 7.0);
}

lorawan::mac::link_check_ans link_check_answer(const gateway_uplink& merged) {
  lorawan::mac::link_check_ans ans;
  std::set<std::string> gateways;
  float best_snr = -1000;
  for (const auto& m : merged.rx_metadata) {
    gateways.insert(m.gateway_id);
    best_snr = std::max(best_snr, m.snr);
  }
  ans.gw_cnt = static_cast<std::uint8_t>(std::min<std::size_t>(gateways.size(), 255));
  if (gateways.empty()) return ans;
  double floor = 0;  // FSK has no SF floor: report the SNR itself
  if (const auto* lora = std::get_if<lora_data_rate>(&merged.settings.data_rate)) {
    floor = demodulation_floor(lora->spreading_factor);
  }
  const double margin = std::floor(static_cast<double>(best_snr) - floor);
  ans.margin = static_cast<std::uint8_t>(std::clamp(margin, 0.0, 254.0));  // 255 is reserved
  return ans;
}

lorawan::mac::device_time_ans device_time_answer(const gateway_uplink& merged) {
  time_point at = merged.received_at;
  for (const auto& m : merged.rx_metadata) {
    if (m.gps_time) {
      at = *m.gps_time;
      break;
    }
  }
  const auto since_unix = std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch());
  const auto gps = since_unix - std::chrono::seconds(gps_epoch_unix_s - gps_leap_seconds);
  const auto whole = std::chrono::duration_cast<std::chrono::seconds>(gps);
  lorawan::mac::device_time_ans ans;
  ans.gps_seconds = static_cast<std::uint32_t>(whole.count());
  ans.fractional_second = static_cast<std::uint8_t>((gps - whole).count() * 256 / 1'000'000'000);
  return ans;
}

std::size_t handle_mac_commands(std::span<const lorawan::mac::uplink_command> commands,
                                const gateway_uplink& merged, mac_state& state) {
  std::size_t answered = 0;
  for (const auto& command : commands) {
    if (std::holds_alternative<lorawan::mac::link_check_req>(command)) {
      queue_answer(state, link_check_answer(merged));
      ++answered;
    } else if (std::holds_alternative<lorawan::mac::device_time_req>(command)) {
      queue_answer(state, device_time_answer(merged));
      ++answered;
    } else {
      record_received(state, command);
    }
  }
  return answered;
}

}  // namespace tether::network
