#pragma once
// Counters of one broker, published under $SYS/broker/... and on /metrics.

#include <atomic>
#include <cstdint>

namespace tether::mqtt {

struct broker_stats {
  std::atomic<std::uint64_t> clients_connected{0};
  std::atomic<std::uint64_t> clients_total{0};
  std::atomic<std::uint64_t> messages_received{0};
  std::atomic<std::uint64_t> messages_sent{0};
  std::atomic<std::uint64_t> publish_dropped{0};  // offline queue full, denied by ACL, ...
  std::atomic<std::uint64_t> bytes_received{0};
  std::atomic<std::uint64_t> bytes_sent{0};
  std::atomic<std::uint64_t> protocol_errors{0};
};

}  // namespace tether::mqtt
