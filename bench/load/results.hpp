#pragma once
// What a scenario measured, printed as a table for people or as JSON for scripts.

#include <cstdint>
#include <string>

namespace tether::bench {

struct latency_summary {
  std::uint64_t samples = 0;
  double p50_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double max_us = 0;
};

struct flow_result {
  std::string scenario;
  int qos = 0;
  std::size_t publishers = 0;
  std::size_t subscribers = 0;
  std::size_t payload_size = 0;
  double target_rate = 0;  // msgs/s over all publishers; 0: as fast as possible
  std::uint64_t sent = 0;
  std::uint64_t expected = 0;  // deliveries: each message times the subscribers that should get it
  std::uint64_t delivered = 0;
  std::uint64_t missing = 0;
  std::uint64_t disordered = 0;
  std::uint64_t unexpected = 0;
  std::uint64_t errors = 0;
  std::string first_error;
  bool timed_out = false;
  double elapsed_s = 0;        // first publish sent to last delivery received
  double delivered_per_s = 0;  // deliveries per second over elapsed_s
  double sent_per_s = 0;       // publishes per second while publishing
  latency_summary latency;
  bool ok = false;
};

struct connections_result {
  std::size_t requested = 0;
  std::size_t connected = 0;
  std::size_t failed = 0;
  std::size_t lost_while_held = 0;
  std::string first_error;
  double connect_s = 0;
  double hold_s = 0;
  long server_rss_before_kib = -1;  // -1: no --server-pid
  long server_rss_held_kib = -1;
  double server_kib_per_connection = 0;
  bool ok = false;
};

void print_table(const flow_result& r);
void print_json(const flow_result& r);
void print_table(const connections_result& r);
void print_json(const connections_result& r);

}  // namespace tether::bench
