#pragma once
// The check of application downlinks: each one the sim pushes is numbered (correlation ID
// `sim:dl:<n>`) and recorded with its device, FPort, payload and push time; the application's
// down/queued, sent, ack, nack and failed events and the device's decrypted receptions are matched
// against it. A downlink is settled when it failed, or when its device received it with the exact bytes
// and its down/sent (and, confirmed, its down/ack) arrived. Memory grows with the downlinks of one run;
// payloads are dropped once matched.

#include "lorawan/types.hpp"
#include "sim/latency_histogram.hpp"
#include "sim/uplink_ledger.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::sim {

inline constexpr std::string_view downlink_correlation_prefix = "sim:dl:";

enum class downlink_state_event { queued, sent, ack, nack, failed };

struct downlink_counts {
  std::uint64_t pushed = 0;
  std::uint64_t confirmed = 0;  // pushed as confirmed
  std::uint64_t queued = 0;     // down/queued events (first per downlink, as all the event counts)
  std::uint64_t received = 0;   // first receptions by their device, right or wrong
  std::uint64_t right = 0;      // received by the right device with the exact FPort and bytes
  std::uint64_t wrong = 0;      // received with other bytes, FPort or by another device
  std::uint64_t duplicates = 0;
  std::uint64_t unexpected = 0;  // application data no push explains
  std::uint64_t sent = 0;
  std::uint64_t acked = 0;
  std::uint64_t nacked = 0;  // every nack, not only the first per downlink
  std::uint64_t failed = 0;
  std::uint64_t unknown_events = 0;  // events naming no downlink of this run
  std::uint64_t missing() const noexcept { return pushed - received; }
};

// `sim:dl:<n>` among `ids`; nullopt without one.
std::optional<std::uint64_t> downlink_number(const std::vector<std::string>& ids);
std::string downlink_correlation_id(std::uint64_t n);

class downlink_ledger {
 public:
  explicit downlink_ledger(std::size_t devices);

  // Records a push; returns its number (1, 2, ...).
  std::uint64_t pushed(std::size_t device, std::uint8_t f_port, lorawan::byte_view payload, bool confirmed,
                       sim_clock::time_point at);
  void event(std::uint64_t n, downlink_state_event e);
  // Application data a device decrypted. `n` is the number the gateway's correlation IDs named; without
  // it the device's oldest outstanding downlink with these bytes is taken.
  receipt received(std::optional<std::uint64_t> n, std::size_t device, std::uint8_t f_port,
                   lorawan::byte_view payload, sim_clock::time_point at);

  const downlink_counts& counts() const noexcept { return counts_; }
  const latency_histogram& latency() const noexcept { return latency_; }
  // Pushed downlinks of `device` neither received nor failed: it must keep opening windows.
  std::size_t outstanding(std::size_t device) const;
  bool settled() const noexcept { return unsettled_ == 0; }
  std::uint64_t unsettled() const noexcept { return unsettled_; }

 private:
  struct entry {
    std::size_t device = 0;
    std::uint8_t f_port = 0;
    bool confirmed = false;
    bool queued = false, received = false, sent = false, acked = false, failed = false;
    bool settled = false;
    sim_clock::time_point pushed_at;
    lorawan::bytes payload;
  };
  entry* find(std::uint64_t n);
  void update_settled(entry& e);

  std::vector<entry> entries_;                   // entries_[n - 1]
  std::vector<std::deque<std::uint64_t>> open_;  // per device: numbers not yet received, oldest first
  downlink_counts counts_;
  latency_histogram latency_;
  std::uint64_t unsettled_ = 0;
};

}  // namespace tether::sim
