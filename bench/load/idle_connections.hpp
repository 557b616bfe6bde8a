#pragma once
// The `connections` scenario: open N idle MQTT connections, hold them, and (given the server's pid)
// measure how much resident memory the server spends per connection.

#include "connector.hpp"
#include "results.hpp"

namespace tether::bench {

struct connections_options {
  std::size_t clients = 1000;
  double hold_s = 10;
  double settle_s = 1;  // after the last CONNACK, before the server's RSS is read
  int server_pid = 0;   // 0: do not read the server's memory
  connect_plan connect;
};

connections_result run_connections(const connections_options& options);

// VmRSS of a process in KiB, or -1 when it cannot be read.
long resident_kib(int pid);

}  // namespace tether::bench
