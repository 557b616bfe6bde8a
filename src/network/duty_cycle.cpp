#include "network/duty_cycle.hpp"

namespace tether::network {

bool duty_cycle_tracker::try_transmit(std::string_view gateway_id, const lorawan::band::band& band,
                                      std::uint64_t frequency, time_point at,
                                      std::chrono::microseconds airtime) {
  const auto sub = lorawan::band::sub_band_of(band, static_cast<std::uint32_t>(frequency));
  if (!sub || sub->duty_cycle >= 1.0) return true;
  const auto budget = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::duration<double, std::micro>(std::chrono::microseconds(period).count() * sub->duty_cycle));
  std::string key;
  key.reserve(gateway_id.size() + 11);
  key.append(gateway_id).append("/").append(std::to_string(sub->min_frequency));

  std::lock_guard lock(mutex_);
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= max_windows) return false;
    it = windows_.emplace(std::move(key), window{}).first;
  }
  auto& w = it->second;
  while (!w.sent.empty() && w.sent.front().first + period <= at) {
    w.total -= w.sent.front().second;
    w.sent.pop_front();
  }
  if (w.total + airtime > budget || w.sent.size() >= max_transmissions) return false;
  w.sent.emplace_back(at, airtime);
  w.total += airtime;
  return true;
}

}  // namespace tether::network
