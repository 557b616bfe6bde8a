#include "http/downlink_failure_meter.hpp"

#include <string_view>

namespace tether::http {

void downlink_failure_meter::on_downlink(const network::downlink_event& event) {
  if (event.outcome == network::downlink_outcome::failed) {
    const std::string_view name = event.error ? std::string_view(event.error->name) : "unknown";
    std::lock_guard lock(mutex_);
    auto it = failures_.find(name);
    if (it == failures_.end()) it = failures_.emplace(failures_.size() < max_names ? name : "other", 0).first;
    ++it->second;
  }
  event_relay::on_downlink(event);
}

std::map<std::string, std::uint64_t> downlink_failure_meter::read() const {
  std::lock_guard lock(mutex_);
  return {failures_.begin(), failures_.end()};
}

}  // namespace tether::http
