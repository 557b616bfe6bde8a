#pragma once
// Scenarios that move messages: fan-in (N publishers -> 1 subscriber on a wildcard), fan-out
// (1 publisher -> N subscribers) and pairs (publisher i -> subscriber i), at QoS 0, 1 or 2.

#include "connector.hpp"
#include "results.hpp"

#include <cstdint>
#include <string>

namespace tether::bench {

enum class flow_kind { fan_in, fan_out, pairs };

struct flow_options {
  flow_kind kind = flow_kind::fan_in;
  std::size_t clients = 16;  // publishers (fan-in), subscribers (fan-out) or pairs
  std::uint8_t qos = 0;
  std::size_t payload_size = 64;
  std::uint64_t count = 10'000;  // messages per publisher
  double duration_s = 0;         // when > 0: publish for this long instead of `count` messages
  double rate = 0;               // msgs/s over all publishers; 0: as fast as the broker takes them
  std::size_t window = 100;      // QoS 1/2 publishes in flight per publisher
  std::size_t batch_bytes = 64 * 1024;
  double drain_timeout_s = 5;  // give up on missing messages after this long without progress
  double timeout_s = 600;
  connect_plan connect;
  std::string topic_prefix = "tether-bench";
};

flow_result run_flow(const flow_options& options);

std::string to_string(flow_kind kind);

}  // namespace tether::bench
