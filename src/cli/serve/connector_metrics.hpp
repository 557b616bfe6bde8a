#pragma once
// What /metrics shows of the outbound connectors, summed over every connector (no per-connector label:
// connectors come and go with the registry, and their counts stay monotonic when one is deleted, since
// a stopped link's counts are kept): publishes and acks, replays, reconnects and their causes, drops
// by reason (history past its retention, events trimmed before they were read, a full outbox, answers
// the outbox had no room for, messages on topic_down nobody handled), and what topic_down brought.

#include "application/connector/data_api_codec.hpp"
#include "application/connector/link.hpp"
#include "http/exposition.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace tether::cli {

// The counts of links that have stopped (a deleted or reconfigured connector). Thread-safe.
class retired_link_counts {
 public:
  void add(const application::connector::link_counters& c);
  // Every field of link_counters but max_inflight and cursor, in write_connector_metrics' order.
  static constexpr std::size_t fields = 13;
  std::array<std::uint64_t, fields> values() const;

 private:
  std::array<std::atomic<std::uint64_t>, fields> sums_{};
};

void write_connector_metrics(http::exposition& out,
                             const std::vector<const application::connector::link_counters*>& live,
                             const retired_link_counts& retired,
                             const application::connector::downstream_counters& downstream);

}  // namespace tether::cli
