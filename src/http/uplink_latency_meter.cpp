#include "http/uplink_latency_meter.hpp"

#include <algorithm>
#include <chrono>

namespace tether::http {

void uplink_latency_meter::on_uplink(const network::uplink_event& event) {
  if (!event.rx_metadata.empty()) {
    auto first = event.rx_metadata.front().received_at;
    for (const auto& rx : event.rx_metadata) first = std::min(first, rx.received_at);
    const auto elapsed = std::chrono::system_clock::now() - first;
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    latency_us_.observe(us > 0 ? static_cast<std::uint64_t>(us) : 0);
  }
  event_relay::on_uplink(event);
}

}  // namespace tether::http
