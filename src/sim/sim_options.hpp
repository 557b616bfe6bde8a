#pragma once
// What `tether sim` simulates and where it connects; filled by the CLI, read by every part of the sim.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace tether::sim {

enum class activation { otaa, abp };

struct sim_options {
  std::string data_dir = "data";
  std::string gateway_address = "127.0.0.1:1882";
  std::string application_address = "127.0.0.1:1883";
  std::size_t gateways = 3;
  std::size_t devices = 10;
  std::size_t gateways_per_device = 3;  // capped at `gateways`
  sim::activation activation = activation::otaa;
  double rate = 10;                    // uplinks per second, all devices together
  std::optional<std::uint64_t> count;  // uplinks in total; otherwise `duration`
  std::chrono::milliseconds duration{10'000};
  std::size_t payload_size = 8;
  std::string frequency_plan = "EU_863_870";
  std::chrono::milliseconds drain_timeout{5'000};  // wait for the last uplinks after sending stops
  std::chrono::milliseconds join_timeout{15'000};  // per attempt: RX1 of a join-accept is 5 s away
  std::size_t join_attempts = 3;
  double join_rate = 200;  // join-requests per second, so the network core is not flooded at start
  std::uint64_t seed = 0;  // 0: random
  // Application downlinks pushed per second while uplinks run (0: none), and the share of them that
  // are confirmed (0..1, spread evenly).
  double downlink_rate = 0;
  double confirmed_downlinks = 0;
};

}  // namespace tether::sim
