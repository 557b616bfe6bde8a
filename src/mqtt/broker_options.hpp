#pragma once
// Limits of one broker (one realm's namespace). Every queue in the engine is bounded by one of these.

#include "mqtt/session.hpp"

#include <chrono>
#include <cstddef>

namespace tether::mqtt {

struct broker_options {
  session_limits session;
  std::size_t max_packet_size = 256 * 1024 * 1024;  // MQTT's own ceiling is 256 MiB
  std::size_t max_payload_size = 0;  // a PUBLISH with more payload closes the connection; 0: no limit
  std::size_t max_retained = 1'000'000;
  std::size_t write_buffer_bytes = 64 * 1024;  // a connection drains its session up to this much at a time
  std::chrono::seconds connect_timeout{10};    // time allowed between TCP accept and CONNECT
  std::chrono::seconds sys_interval{1};        // $SYS/broker/... refresh (changed values only); 0 disables
};

}  // namespace tether::mqtt
