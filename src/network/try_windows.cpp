#include "network/try_windows.hpp"

#include "lorawan/airtime.hpp"

#include <spdlog/spdlog.h>

namespace tether::network {
namespace {

bool too_late(shard_state& shard, const window_attempt& a, const candidate_window& w) {
  if (w.start - std::chrono::system_clock::now() >= schedule_margin) return false;
  shard.out.counters.add(counter::downlink_too_late);
  spdlog::debug("network: {}/{}: {} skipped: too late", a.application_id, a.device_id, w.name);
  return true;
}

// Books the gateway's transmitter and duty cycle for the frame; false (counted) when either is taken.
// A Class C window may move later: `w.settings.timestamp` and `start` follow the slot found.
bool book(shard_state& shard, const window_attempt& a, candidate_window& w, std::size_t frame_size) {
  const auto airtime = lorawan::airtime(a.band->data_rates[w.data_rate_index], frame_size);
  if (!airtime || !shard.out.gateways) return true;
  const gateway_scheduler::request r{w.gateway_id,         a.band,  w.settings.frequency,
                                     w.settings.timestamp, w.start, *airtime};
  auto slot = w.max_wait.count() > 0 ? shard.out.gateways->book_earliest(r, w.max_wait)
                                     : gateway_scheduler::slot{shard.out.gateways->book(r), {}};
  if (slot.result == gateway_scheduler::outcome::booked) {
    w.settings.timestamp += static_cast<std::uint32_t>(slot.wait.count());
    w.start += slot.wait;
    return true;
  }
  const bool busy = slot.result == gateway_scheduler::outcome::busy;
  shard.out.counters.add(busy ? counter::downlink_gateway_busy : counter::downlink_duty_cycle);
  spdlog::debug("network: {}/{}: {} via {} skipped: {}", a.application_id, a.device_id, w.name, w.gateway_id,
                busy ? "the transmitter is busy" : "out of duty cycle");
  return false;
}

}  // namespace

windows_outcome try_windows(shard_state& shard, const window_attempt& a) {
  windows_outcome out;
  for (std::size_t i = 0; i < a.windows.size(); ++i) {
    auto w = a.windows[i];
    if (too_late(shard, a, w)) continue;
    const built_frame* frame = a.build(w);
    if (!frame || !book(shard, a, w, frame->wire.size())) continue;
    sent_window s;
    s.index = i;
    s.tx.id = shard.next_tx_id();
    s.tx.gateway_id = w.gateway_id;
    s.tx.uplink_token = w.uplink_token;
    s.tx.raw_payload = frame->wire;
    s.tx.scheduled = w.settings;
    s.tx.correlation_ids = frame->correlation_ids;
    s.tx.correlation_ids.push_back(a.id_prefix + std::to_string(s.tx.id));
    auto taken = shard.out.downlinks.send_downlink(s.tx);
    s.result = taken.result;
    if (s.result == send_result::awaiting_tx_ack || s.result == send_result::sent) {
      spdlog::debug("network: {}/{}: downlink {} on {} via {}", a.application_id, a.device_id, s.tx.id,
                    w.name, w.gateway_id);
      out.sent = std::move(s);
      return out;
    }
    if (shard.out.gateways) shard.out.gateways->release(w.gateway_id, w.settings.timestamp);
    if (s.result == send_result::refused) {
      shard.out.counters.add(counter::downlink_refused_frame);
      spdlog::debug("network: {}/{}: {} via {} refused: {}: {}", a.application_id, a.device_id, w.name,
                    w.gateway_id, taken.refusal.name, taken.refusal.message);
      out.refused.push_back({frame, w.gateway_id, std::move(taken.refusal)});
      continue;
    }
    shard.out.counters.add(counter::downlink_refused);
    spdlog::debug("network: {}/{}: {} via {} refused: the gateway is not connected", a.application_id,
                  a.device_id, w.name, w.gateway_id);
  }
  return out;
}

}  // namespace tether::network
