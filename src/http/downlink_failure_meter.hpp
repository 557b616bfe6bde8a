#pragma once
// Counts the network core's down/failed events by error name for /metrics
// (tether_lorawan_downlink_failures_total{error}): placed between the core and its event sink, it
// counts each failed downlink_event and hands every event on unchanged. The names are The Things
// Stack's (`no_f_port`, `transmission`, `gateway_packet_too_large`, ...), a set fixed in the code; to
// keep the label bounded all the same, names beyond the first max_names are counted as "other".
// Failures are rare, so one mutex guards the table; called from the core's shard threads.

#include "network/downlinks.hpp"
#include "network/event_relay.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace tether::http {

class downlink_failure_meter final : public network::event_relay {
 public:
  static constexpr std::size_t max_names = 32;

  using event_relay::event_relay;

  void on_downlink(const network::downlink_event& event) override;

  // Error name → failures so far.
  std::map<std::string, std::uint64_t> read() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t, std::less<>> failures_;
};

}  // namespace tether::http
