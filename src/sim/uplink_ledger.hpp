#pragma once
// The application side's check: every uplink sent is recorded with its payload and send time, and
// every uplink the application receives is matched against it, so each arrives exactly once with the
// right payload. Memory grows with the uplinks of one run (bounded by --count or --duration x --rate);
// payloads are dropped once matched.

#include "lorawan/types.hpp"
#include "sim/latency_histogram.hpp"

#include <chrono>
#include <cstdint>
#include <vector>

namespace tether::sim {

using sim_clock = std::chrono::steady_clock;

enum class receipt { ok, duplicate, wrong_payload, unexpected };

struct ledger_counts {
  std::uint64_t sent = 0;
  std::uint64_t received = 0;  // first arrivals, right or wrong
  std::uint64_t duplicates = 0;
  std::uint64_t wrong_payloads = 0;
  std::uint64_t unexpected = 0;  // an FCnt never sent (or another run's device)
  std::uint64_t missing() const noexcept { return sent - received; }
};

class uplink_ledger {
 public:
  explicit uplink_ledger(std::size_t devices);

  // FCnts of one device must be sent in increasing order (a new session may start again from 0).
  void sent(std::size_t device, std::uint32_t f_cnt, lorawan::byte_view payload, sim_clock::time_point at);
  receipt received(std::size_t device, std::uint32_t f_cnt, lorawan::byte_view payload,
                   sim_clock::time_point at);

  const ledger_counts& counts() const noexcept { return counts_; }
  const latency_histogram& latency() const noexcept { return latency_; }
  bool complete() const noexcept { return counts_.received == counts_.sent; }

 private:
  enum class state : std::uint8_t { pending, received };
  struct entry {
    sim_clock::time_point sent_at;
    lorawan::bytes payload;
    state st = state::pending;
  };
  struct device_log {
    std::uint32_t first_f_cnt = 0;
    std::vector<entry> entries;  // entries[i] is FCnt first_f_cnt + i
  };

  std::vector<device_log> devices_;
  ledger_counts counts_;
  latency_histogram latency_;
};

}  // namespace tether::sim
