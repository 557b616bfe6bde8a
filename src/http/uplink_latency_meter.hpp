#pragma once
// Measures uplink processing latency for /metrics: placed between the network core and its event
// sink (the application bus), it observes, for every uplink event, the time from the first gateway
// copy reaching Tether (rx_metadata received_at, server time) to the event leaving the core — the
// dedup window included — then hands the event on unchanged. Lock-free (core::histogram); called
// from the core's shard threads.

#include "core/histogram.hpp"
#include "network/event_relay.hpp"

namespace tether::http {

class uplink_latency_meter final : public network::event_relay {
 public:
  using event_relay::event_relay;

  void on_uplink(const network::uplink_event& event) override;

  // Microseconds.
  const core::histogram& latency() const noexcept { return latency_us_; }

 private:
  core::histogram latency_us_{1000,   5000,   10000,  25000,   50000,   100000, 200000,
                              250000, 300000, 500000, 1000000, 2500000, 5000000};
};

}  // namespace tether::http
