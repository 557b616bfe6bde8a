#pragma once
// The outcome of a run, as text for people or JSON for scripts, and whether it passed: every uplink
// arrived exactly once with the right payload, every device joined, every downlink a gateway was told to
// send fell in a receive window of its device and, when the application pushed downlinks, each reached
// its device once with the exact bytes and was reported sent (and acknowledged, when confirmed).

#include "sim/downlink_ledger.hpp"
#include "sim/receive_windows.hpp"
#include "sim/uplink_ledger.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tether::sim {

// Where the downlinks the gateways were told to send fell, join-accepts included.
struct window_counts {
  std::uint64_t rx1 = 0;
  std::uint64_t rx2 = 0;
  std::uint64_t wrong_timing = 0;  // no window of any recent frame of the device at that time
  std::uint64_t wrong_frequency = 0;
  std::uint64_t wrong_data_rate = 0;
  void add(window_hit w) noexcept;
  std::uint64_t errors() const noexcept { return wrong_timing + wrong_frequency + wrong_data_rate; }
};

// The devices' side of data downlinks.
struct device_downlink_counts {
  std::uint64_t accepted = 0;       // data downlinks a device verified and decrypted (MAC-only ones too)
  std::uint64_t refused = 0;        // no device's session verifies it, or its FCntDown did not increase
  std::uint64_t mac_commands = 0;   // MAC commands devices received
  std::uint64_t mac_answers = 0;    // MAC answers devices sent in FOpts
  std::uint64_t acks = 0;           // uplinks with the ACK bit
  std::uint64_t extra_uplinks = 0;  // uplinks after the planned ones, to open windows for queued downlinks
};

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
  std::uint64_t tx_acks = 0;    // TxAcknowledgments they sent back
  window_counts windows;
  device_downlink_counts device_downlinks;
  downlink_counts application_downlinks;  // pushed by the sim's application
  double downlink_latency_p50_ms = 0;     // push to decryption by the device
  double downlink_latency_p99_ms = 0;
  double downlink_latency_max_ms = 0;
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
  bool downlinks_passed() const noexcept;
};

void fill_latency(sim_report& r, const latency_histogram& h);
void fill_downlink_latency(sim_report& r, const latency_histogram& h);
std::string render_text(const sim_report& r);
std::string render_json(const sim_report& r);

}  // namespace tether::sim
