#pragma once
// Counts the network core's down/failed events by error name for /metrics
// (tether_lorawan_downlink_failures_total{error}): placed between the core and its event sink, it
// counts each failed downlink_event and hands every event on unchanged. The names are The Things
// Stack's (`no_f_port`, `transmission`, `gateway_packet_too_large`, ...), a set fixed in the code; to
// keep the label bounded all the same, names beyond the first max_names are counted as "other".
// Failures are rare, so one mutex guards the table; called from the core's shard threads.

#include "network/downlinks.hpp"
#include "network/events.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace tether::http {

class downlink_failure_meter final : public network::event_sink {
 public:
  static constexpr std::size_t max_names = 32;

  explicit downlink_failure_meter(network::event_sink& next) : next_(next) {}

  void on_join(const network::join_event& event) override { next_.on_join(event); }
  void on_uplink(const network::uplink_event& event) override { next_.on_uplink(event); }
  void on_downlink(const network::downlink_event& event) override;
  void on_drop(const network::drop_event& event) override { next_.on_drop(event); }
  void on_gateway(const network::gateway_event& event) override { next_.on_gateway(event); }

  // Error name → failures so far.
  std::map<std::string, std::uint64_t> read() const;

 private:
  network::event_sink& next_;
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t, std::less<>> failures_;
};

}  // namespace tether::http
