#pragma once
// What each gateway is going to transmit and how much of its duty cycle it has used: the one place
// that books a gateway's transmitter time. A gateway has one transmitter, so two downlinks whose
// airtimes overlap cannot both go out (the second would come back as a TxAck collision_packet), and in
// bands with regulatory sub-bands (EU868: 0.1 %, 1 % and 10 %) each sub-band may be used only that share
// of a sliding hour, as The Things Stack's gateway scheduler applies it. Class A windows are fixed, so
// the caller books a window and tries the next when it is taken; Class C books the earliest free slot.
// A booking takes both the transmitter and the duty cycle or neither, and `release` gives both back.
//
// Times on the transmitter are the gateway's own concentrator clock (µs, wrapping at 2^32), the clock
// its downlinks are scheduled in; the duty cycle is kept in server time. Shared by all shards (one
// gateway serves devices of every shard), hence the one lock.
//
// Bounds: reservations are dropped once over (server time) and duty-cycle records once an hour old; at
// most `max_reservations` reservations per gateway, `max_transmissions` duty-cycle records per gateway
// and sub-band, `max_windows` (gateway, sub-band) pairs and `max_gateways` gateways are tracked. Beyond
// any of them a booking is refused (the caller tries its next window or later), so memory stays bounded
// and the duty cycle errs on the side of regulation.

#include "lorawan/band/band.hpp"
#include "network/radio.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tether::network {

class gateway_scheduler {
 public:
  static constexpr std::size_t max_reservations = 1'024;
  static constexpr std::size_t max_gateways = 65'536;
  static constexpr std::size_t max_transmissions = 16'384;
  static constexpr std::size_t max_windows = 65'536;
  static constexpr std::chrono::hours period{1};

  enum class outcome : std::uint8_t { booked, busy, duty_cycle };

  // A frame to put on a gateway's transmitter: at concentrator time `timestamp`, server time `at`, on
  // `frequency` of `band` (null: no duty cycle applies), for `airtime`.
  struct request {
    std::string_view gateway_id;
    const lorawan::band::band* band = nullptr;
    std::uint64_t frequency = 0;
    std::uint32_t timestamp = 0;
    time_point at{};
    std::chrono::microseconds airtime{0};
  };
  struct slot {
    outcome result = outcome::busy;
    std::chrono::microseconds wait{0};  // how much later than asked it starts (booked only)
  };

  // Books exactly the asked time; busy when it overlaps another frame, duty_cycle when the sub-band's
  // budget over the hour before is spent. Nothing stays booked unless `booked`.
  outcome book(const request& r);
  // Books the earliest free slot at or after the asked time and at most `max_wait` later.
  slot book_earliest(const request& r, std::chrono::microseconds max_wait);
  // Gives a booking back (the gateway refused the frame): its transmitter time and its duty cycle.
  void release(std::string_view gateway_id, std::uint32_t timestamp);

 private:
  struct reservation {
    std::uint32_t start = 0;     // concentrator µs
    std::uint32_t length = 0;    // µs
    time_point at{};             // server time it starts
    time_point ends{};           // server time, for pruning
    std::uint32_t sub_band = 0;  // the duty-cycle window it counts in (0: none)
  };
  struct duty_window {
    std::deque<std::pair<time_point, std::chrono::microseconds>> sent;  // oldest first
    std::chrono::microseconds total{0};
  };
  struct gateway {
    std::vector<reservation> reservations;
    std::unordered_map<std::uint32_t, duty_window> sub_bands;  // by the sub-band's lower edge (Hz)
  };

  gateway* gateway_of(std::string_view gateway_id, time_point now);
  void prune(gateway& g, time_point now);
  static const reservation* overlapping(const std::vector<reservation>& s, std::uint32_t start,
                                        std::uint32_t length);
  // The sub-band window `r` counts in and its budget; nullopt window when no duty cycle applies.
  // Returns false when the window is needed but cannot be tracked (max_windows).
  bool duty_of(gateway& g, const request& r, duty_window*& window, std::chrono::microseconds& budget,
               std::uint32_t& sub_band);
  outcome commit(gateway& g, const request& r, std::uint32_t start, time_point at);

  std::mutex mutex_;
  std::unordered_map<std::string, gateway> gateways_;
  std::size_t windows_ = 0;  // (gateway, sub-band) pairs tracked
};

}  // namespace tether::network
