#include "network/gateway_scheduler.hpp"

#include <algorithm>

namespace tether::network {
namespace {

std::uint32_t micros(std::chrono::microseconds d) {
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(d.count(), 0, UINT32_MAX));
}

}  // namespace

void gateway_scheduler::prune(gateway& g, time_point now) {
  std::erase_if(g.reservations, [now](const reservation& r) { return r.ends <= now; });
  for (auto it = g.sub_bands.begin(); it != g.sub_bands.end();) {
    auto& w = it->second;
    while (!w.sent.empty() && w.sent.front().first + period <= now) {
      w.total -= w.sent.front().second;
      w.sent.pop_front();
    }
    if (w.sent.empty()) {
      it = g.sub_bands.erase(it);
      --windows_;
    } else {
      ++it;
    }
  }
}

gateway_scheduler::gateway* gateway_scheduler::gateway_of(std::string_view gateway_id, time_point now) {
  auto it = gateways_.find(std::string(gateway_id));
  if (it == gateways_.end()) {
    if (gateways_.size() >= max_gateways) {
      // Only a gateway with nothing booked and no duty cycle used in the hour may be forgotten.
      for (auto& [id, g] : gateways_) prune(g, now);
      std::erase_if(gateways_, [](const auto& g) {
        return g.second.reservations.empty() && g.second.sub_bands.empty();
      });
      if (gateways_.size() >= max_gateways) return nullptr;
    }
    it = gateways_.emplace(std::string(gateway_id), gateway{}).first;
  }
  std::erase_if(it->second.reservations, [now](const reservation& r) { return r.ends <= now; });
  return &it->second;
}

// Modular arithmetic: the concentrator clock wraps every 71 minutes.
const gateway_scheduler::reservation* gateway_scheduler::overlapping(const std::vector<reservation>& s,
                                                                     std::uint32_t start,
                                                                     std::uint32_t length) {
  for (const auto& r : s) {
    if (static_cast<std::uint32_t>(start - r.start) < r.length ||
        static_cast<std::uint32_t>(r.start - start) < length) {
      return &r;
    }
  }
  return nullptr;
}

bool gateway_scheduler::duty_of(gateway& g, const request& r, duty_window*& window,
                                std::chrono::microseconds& budget, std::uint32_t& sub_band) {
  window = nullptr;
  sub_band = 0;
  if (!r.band) return true;
  const auto sub = lorawan::band::sub_band_of(*r.band, static_cast<std::uint32_t>(r.frequency));
  if (!sub || sub->duty_cycle >= 1.0) return true;
  budget = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::duration<double, std::micro>(std::chrono::microseconds(period).count() * sub->duty_cycle));
  sub_band = sub->min_frequency;
  auto it = g.sub_bands.find(sub_band);
  if (it == g.sub_bands.end()) {
    if (windows_ >= max_windows) return false;
    it = g.sub_bands.emplace(sub_band, duty_window{}).first;
    ++windows_;
  }
  window = &it->second;
  return true;
}

gateway_scheduler::outcome gateway_scheduler::commit(gateway& g, const request& r, std::uint32_t start,
                                                     time_point at) {
  duty_window* w = nullptr;
  std::chrono::microseconds budget{0};
  std::uint32_t sub_band = 0;
  if (!duty_of(g, r, w, budget, sub_band)) return outcome::duty_cycle;
  if (w) {
    while (!w->sent.empty() && w->sent.front().first + period <= at) {
      w->total -= w->sent.front().second;
      w->sent.pop_front();
    }
    if (w->total + r.airtime > budget || w->sent.size() >= max_transmissions) return outcome::duty_cycle;
    w->sent.emplace_back(at, r.airtime);
    w->total += r.airtime;
  }
  g.reservations.push_back({start, micros(r.airtime), at, at + r.airtime, sub_band});
  return outcome::booked;
}

gateway_scheduler::outcome gateway_scheduler::book(const request& r) {
  std::lock_guard lock(mutex_);
  auto* g = gateway_of(r.gateway_id, std::chrono::system_clock::now());
  if (!g || g->reservations.size() >= max_reservations ||
      overlapping(g->reservations, r.timestamp, micros(r.airtime))) {
    return outcome::busy;
  }
  return commit(*g, r, r.timestamp, r.at);
}

gateway_scheduler::slot gateway_scheduler::book_earliest(const request& r,
                                                         std::chrono::microseconds max_wait) {
  std::lock_guard lock(mutex_);
  auto* g = gateway_of(r.gateway_id, std::chrono::system_clock::now());
  if (!g || g->reservations.size() >= max_reservations) return {};
  const auto length = micros(r.airtime);
  std::uint32_t start = r.timestamp;
  // Each step jumps past one reservation, so this ends within size() + 1 steps.
  for (std::size_t step = 0; step <= g->reservations.size(); ++step) {
    const auto* taken = overlapping(g->reservations, start, length);
    if (!taken) {
      const std::chrono::microseconds wait{static_cast<std::uint32_t>(start - r.timestamp)};
      return {commit(*g, r, start, r.at + wait), wait};
    }
    start = taken->start + taken->length;
    if (static_cast<std::uint32_t>(start - r.timestamp) > micros(max_wait)) return {};
  }
  return {};
}

void gateway_scheduler::release(std::string_view gateway_id, std::uint32_t timestamp) {
  std::lock_guard lock(mutex_);
  auto it = gateways_.find(std::string(gateway_id));
  if (it == gateways_.end()) return;
  auto& g = it->second;
  for (auto r = g.reservations.begin(); r != g.reservations.end();) {
    if (r->start != timestamp) {
      ++r;
      continue;
    }
    if (auto w = g.sub_bands.find(r->sub_band); r->sub_band && w != g.sub_bands.end()) {
      const std::pair<time_point, std::chrono::microseconds> record{r->at,
                                                                    std::chrono::microseconds(r->length)};
      auto& sent = w->second.sent;
      if (auto s = std::find(sent.rbegin(), sent.rend(), record); s != sent.rend()) {
        w->second.total -= s->second;
        sent.erase(std::next(s).base());
      }
    }
    r = g.reservations.erase(r);
  }
}

}  // namespace tether::network
