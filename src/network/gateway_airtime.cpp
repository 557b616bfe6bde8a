#include "network/gateway_airtime.hpp"

#include <algorithm>

namespace tether::network {
namespace {

std::uint32_t micros(std::chrono::microseconds d) {
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(d.count(), 0, UINT32_MAX));
}

}  // namespace

std::vector<gateway_airtime::reservation>* gateway_airtime::schedule_of(std::string_view gateway_id,
                                                                        time_point now) {
  auto it = gateways_.find(std::string(gateway_id));
  if (it == gateways_.end()) {
    if (gateways_.size() >= max_gateways) {
      for (auto& [id, s] : gateways_) std::erase_if(s, [now](const reservation& r) { return r.ends <= now; });
      std::erase_if(gateways_, [](const auto& g) { return g.second.empty(); });
      if (gateways_.size() >= max_gateways) return nullptr;
    }
    it = gateways_.emplace(std::string(gateway_id), std::vector<reservation>{}).first;
  }
  std::erase_if(it->second, [now](const reservation& r) { return r.ends <= now; });
  return &it->second;
}

// Modular arithmetic: the concentrator clock wraps every 71 minutes.
const gateway_airtime::reservation* gateway_airtime::overlapping(const std::vector<reservation>& s,
                                                                 std::uint32_t start, std::uint32_t length) {
  for (const auto& r : s) {
    if (static_cast<std::uint32_t>(start - r.start) < r.length ||
        static_cast<std::uint32_t>(r.start - start) < length) {
      return &r;
    }
  }
  return nullptr;
}

bool gateway_airtime::try_reserve(std::string_view gateway_id, std::uint32_t timestamp, time_point at,
                                  std::chrono::microseconds airtime) {
  std::lock_guard lock(mutex_);
  auto* s = schedule_of(gateway_id, std::chrono::system_clock::now());
  const auto length = micros(airtime);
  if (!s || s->size() >= max_reservations || overlapping(*s, timestamp, length)) return false;
  s->push_back({timestamp, length, at + airtime});
  return true;
}

std::optional<std::chrono::microseconds> gateway_airtime::reserve_earliest(
    std::string_view gateway_id, std::uint32_t timestamp, time_point at, std::chrono::microseconds airtime,
    std::chrono::microseconds max_wait) {
  std::lock_guard lock(mutex_);
  auto* s = schedule_of(gateway_id, std::chrono::system_clock::now());
  if (!s || s->size() >= max_reservations) return std::nullopt;
  const auto length = micros(airtime);
  std::uint32_t start = timestamp;
  // Each step jumps past one reservation, so this ends within size() + 1 steps.
  for (std::size_t step = 0; step <= s->size(); ++step) {
    const auto* r = overlapping(*s, start, length);
    if (!r) {
      const std::chrono::microseconds wait{static_cast<std::uint32_t>(start - timestamp)};
      s->push_back({start, length, at + wait + airtime});
      return wait;
    }
    start = r->start + r->length;
    if (static_cast<std::uint32_t>(start - timestamp) > micros(max_wait)) return std::nullopt;
  }
  return std::nullopt;
}

void gateway_airtime::release(std::string_view gateway_id, std::uint32_t timestamp) {
  std::lock_guard lock(mutex_);
  if (auto it = gateways_.find(std::string(gateway_id)); it != gateways_.end()) {
    std::erase_if(it->second, [timestamp](const reservation& r) { return r.start == timestamp; });
  }
}

}  // namespace tether::network
