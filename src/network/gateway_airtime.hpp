#pragma once
// What each gateway is already going to transmit: a gateway has one transmitter, so two downlinks whose
// airtimes overlap cannot both go out (the second would come back as a TxAck collision_packet). Class A
// windows are fixed, so the scheduler reserves a window's airtime here and tries the next window when it
// is taken; Class C takes the earliest free slot. Times are the gateway's own concentrator clock (µs,
// wrapping at 2^32), the clock its downlinks are scheduled in. Shared by all shards (one gateway serves
// devices of every shard), hence the lock.
//
// Bounds: reservations are dropped once over (server time) and at most `max_reservations` per gateway
// and `max_gateways` gateways are tracked; beyond either a reservation is refused (the caller tries its
// next window or later), so memory stays bounded.

#include "network/radio.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tether::network {

class gateway_airtime {
 public:
  static constexpr std::size_t max_reservations = 1'024;
  static constexpr std::size_t max_gateways = 65'536;

  // Reserves `airtime` from concentrator time `timestamp` (server time `at`); false when it overlaps.
  bool try_reserve(std::string_view gateway_id, std::uint32_t timestamp, time_point at,
                   std::chrono::microseconds airtime);
  // Reserves the earliest free slot at or after `timestamp` (server time `at`) and at most `max_wait`
  // later; returns how much later than asked it starts, or nullopt when nothing is free that soon.
  std::optional<std::chrono::microseconds> reserve_earliest(std::string_view gateway_id,
                                                            std::uint32_t timestamp, time_point at,
                                                            std::chrono::microseconds airtime,
                                                            std::chrono::microseconds max_wait);
  // Gives a reservation back (the gateway refused the frame, or a later check failed).
  void release(std::string_view gateway_id, std::uint32_t timestamp);

 private:
  struct reservation {
    std::uint32_t start = 0;   // concentrator µs
    std::uint32_t length = 0;  // µs
    time_point ends{};         // server time, for pruning
  };
  std::vector<reservation>* schedule_of(std::string_view gateway_id, time_point now);
  static const reservation* overlapping(const std::vector<reservation>& s, std::uint32_t start,
                                        std::uint32_t length);

  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<reservation>> gateways_;
};

}  // namespace tether::network
