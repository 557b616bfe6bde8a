#pragma once
// The outcome of a run, as text for people or JSON for scripts, and whether it passed: every uplink
// arrived exactly once with the right payload and every device joined.

#include "sim/uplink_ledger.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tether::sim {

struct sim_report {
  std::string activation;  // "otaa" or "abp"
  std::size_t gateways = 0;
  std::size_t devices = 0;
  std::size_t gateways_per_device = 0;
  std::uint64_t join_requests = 0;
  std::uint64_t joined = 0;       // join-accepts decrypted by the device
  std::uint64_t join_events = 0;  // `join` events the application saw
  std::uint64_t gateway_publishes = 0;
  std::uint64_t downlinks = 0;  // GatewayDown messages the gateways got
  ledger_counts uplinks;
  double send_seconds = 0;     // first to last uplink sent
  double receive_seconds = 0;  // first uplink sent to last one received
  double latency_p50_ms = 0;
  double latency_p99_ms = 0;
  double latency_p999_ms = 0;
  double latency_max_ms = 0;
  std::vector<std::string> errors;  // connection failures, refused subscriptions, ...

  double sent_per_second() const noexcept;
  double received_per_second() const noexcept;
  bool passed() const noexcept;
};

void fill_latency(sim_report& r, const latency_histogram& h);
std::string render_text(const sim_report& r);
std::string render_json(const sim_report& r);

}  // namespace tether::sim
