#pragma once
// Downlink duty cycle per gateway and regulatory sub-band (EU868: 0.1 %, 1 % and 10 % bands), over a
// sliding hour, as The Things Stack's gateway scheduler applies it. Shared by all shards (one gateway
// serves devices of every shard), hence the lock; bands without sub-bands (US915, AU915) never take it.
//
// Bounds: at most `max_transmissions` remembered per gateway and sub-band, at most `max_windows`
// (gateway, sub-band) pairs; beyond either a transmission is refused (counted by the caller as blocked),
// so that memory stays bounded and the limit errs on the side of regulation.

#include "lorawan/band/band.hpp"
#include "network/radio.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace tether::network {

class duty_cycle_tracker {
 public:
  static constexpr std::size_t max_transmissions = 16'384;
  static constexpr std::size_t max_windows = 65'536;
  static constexpr std::chrono::hours period{1};

  // Records the transmission and returns true when `airtime` starting at `at` keeps the gateway's
  // sub-band within its duty cycle over the hour before; false (nothing recorded) otherwise.
  bool try_transmit(std::string_view gateway_id, const lorawan::band::band& band, std::uint64_t frequency,
                    time_point at, std::chrono::microseconds airtime);

 private:
  struct window {
    std::deque<std::pair<time_point, std::chrono::microseconds>> sent;  // oldest first
    std::chrono::microseconds total{0};
  };
  std::mutex mutex_;
  std::unordered_map<std::string, window> windows_;  // gateway ID + '/' + sub-band lower edge
};

}  // namespace tether::network
