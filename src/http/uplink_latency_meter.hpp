#pragma once
// Measures uplink processing latency for /metrics: placed between the network core and its event
// sink (the application bus), it observes, for every uplink event, the time from the first gateway
// copy reaching Tether (rx_metadata received_at, server time) to the event leaving the core — the
// dedup window included — then hands the event on unchanged. Lock-free (core::histogram); called
// from the core's shard threads.

#include "core/histogram.hpp"
#include "network/events.hpp"

namespace tether::http {

class uplink_latency_meter final : public network::event_sink {
 public:
  explicit uplink_latency_meter(network::event_sink& next) : next_(next) {}

  void on_join(const network::join_event& event) override { next_.on_join(event); }
  void on_uplink(const network::uplink_event& event) override;
  void on_downlink(const network::downlink_event& event) override { next_.on_downlink(event); }
  void on_drop(const network::drop_event& event) override { next_.on_drop(event); }
  void on_gateway(const network::gateway_event& event) override { next_.on_gateway(event); }

  // Microseconds.
  const core::histogram& latency() const noexcept { return latency_us_; }

 private:
  network::event_sink& next_;
  core::histogram latency_us_{1000,   5000,   10000,  25000,   50000,   100000, 200000,
                              250000, 300000, 500000, 1000000, 2500000, 5000000};
};

}  // namespace tether::http
