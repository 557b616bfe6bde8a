// What became of a frame handed to a gateway: its TxAck (or the lack of one), a gateway that never
// acknowledges, and the device's ACK of a confirmed downlink. transmitted() is the one path of a frame
// that went out, whichever way that became known.

#include "network/downlink_scheduler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace tether::network {
namespace {

time_point now() { return std::chrono::system_clock::now(); }

// The names TTS gives TxAck results, by their protobuf number.
std::string to_string(tx_result r) {
  static constexpr std::array<std::string_view, 9> names{"success",   "unknown_error",    "too_late",
                                                         "too_early", "collision_packet", "collision_beacon",
                                                         "tx_freq",   "tx_power",         "gps_unlocked"};
  const auto i = static_cast<std::size_t>(r);
  return std::string(i < names.size() ? names[i] : "unknown");
}

// Timing errors may pass in another window; a frequency or power the gateway cannot use will not.
bool retryable(tx_result r) {
  return r == tx_result::too_late || r == tx_result::too_early || r == tx_result::collision_packet ||
         r == tx_result::collision_beacon;
}

}  // namespace

void downlink_scheduler::hand_over(device_entry& device, const sent_window& s,
                                   std::optional<storage::downlink_item> item, std::uint32_t f_cnt,
                                   bool bound) {
  shard_.out.counters.add(counter::downlinks_scheduled);
  auto& state = device.downlinks;
  transmission t{s.tx.id, std::move(item), f_cnt, now()};
  t.bound = bound;
  if (s.result == send_result::sent) {
    transmitted(device, std::move(t));
  } else if (t.item) {
    shard_.remember_tx(t.tx_id, {device.device.application_id, device.device.device_id});
    state.in_flight = std::move(t);
  } else {
    // A frame of its own replaces an older one still waiting: that one's TxAck counts as unmatched.
    if (state.mac_only_tx) shard_.forget_tx(*state.mac_only_tx);
    shard_.remember_tx(t.tx_id, {device.device.application_id, device.device.device_id});
    state.mac_only_tx = t.tx_id;
  }
  shard_.persist(device);
}

void downlink_scheduler::transmitted(device_entry& device, transmission t) {
  shard_.out.counters.add(counter::downlinks_sent);
  if (!t.item) return;  // MAC-only frames are not reported (TTS ignores their acks)
  emit(device, downlink_outcome::sent, *t.item, std::nullopt, t.f_cnt);
  if (!t.item->confirmed) {
    if (!t.bound) remove_stored(device, t.item->seq);
    return;
  }
  auto& state = device.downlinks;
  if (state.awaiting_ack) settle_confirmed(device, false);  // one confirmed downlink at a time
  state.awaiting_ack = std::move(t);
}

void downlink_scheduler::tx_failed(device_entry& device, transmission t, const tx_ack& ack) {
  shard_.out.counters.add(counter::downlinks_tx_failed);
  spdlog::info("network: downlink {} of {}/{} failed at gateway {}: {}", t.tx_id,
               device.device.application_id, device.device.device_id, ack.gateway_id, to_string(ack.result));
  // MAC-only frames are not reported (TTS ignores their acks); their answers were cleared already.
  if (!t.item) return;
  emit(device, downlink_outcome::failed, *t.item,
       downlink_error{"transmission", "gateway TxAck: " + to_string(ack.result)}, t.f_cnt);
  if (t.bound) return;  // its windows are gone: the failure is final
  if (retryable(ack.result) && !t.replaced) {
    requeue(device, std::move(*t.item), to_string(ack.result).c_str());
  } else {
    remove_stored(device, t.item->seq);
  }
}

void downlink_scheduler::fail_refused(device_entry& device, std::uint64_t seq, const send_refusal& why) {
  auto& queue = device.downlinks.queue;
  const auto it = std::find_if(queue.begin(), queue.end(), [seq](const auto& i) { return i.seq == seq; });
  if (it == queue.end()) return;  // failed already (several windows refused the same frame)
  shard_.out.counters.add(counter::downlinks_given_up);
  spdlog::info("network: downlink {}/{}#{} failed: {}: {}", device.device.application_id,
               device.device.device_id, seq, why.name, why.message);
  remove_stored(device, seq);
  emit(device, downlink_outcome::failed, *it, downlink_error{why.name, why.message});
  queue.erase(it);
}

void downlink_scheduler::conclude_in_flight(device_entry& device, bool device_answered) {
  auto& state = device.downlinks;
  if (!state.in_flight) return;
  // The device answering a confirmed downlink tells it went out even though no TxAck came.
  const bool answered = device_answered && state.in_flight->item->confirmed;
  if (!answered && now() - state.in_flight->at <= tx_ack_timeout) return;
  if (!answered) {
    // The gateway took it but never answered: assume transmitted.
    shard_.out.counters.add(counter::tx_ack_unmatched);
    spdlog::info("network: downlink {} of {}/{} had no TxAck; assumed transmitted", state.in_flight->tx_id,
                 device.device.application_id, device.device.device_id);
  }
  auto t = std::move(*state.in_flight);
  state.in_flight.reset();
  shard_.forget_tx(t.tx_id);
  transmitted(device, std::move(t));
}

void downlink_scheduler::settle_confirmed(device_entry& device, bool acked) {
  auto& state = device.downlinks;
  std::optional<transmission> t = std::move(state.awaiting_ack);
  state.awaiting_ack.reset();
  if (!t || !t->item) return;
  if (acked) {
    shard_.out.counters.add(counter::downlinks_acked);
    if (!t->bound) remove_stored(device, t->item->seq);
    emit(device, downlink_outcome::ack, *t->item, std::nullopt, t->f_cnt);
    return;
  }
  shard_.out.counters.add(counter::downlinks_nacked);
  emit(device, downlink_outcome::nack, *t->item, std::nullopt, t->f_cnt);
  if (t->bound) {
    // Bound to windows long gone: never sent again.
    shard_.out.counters.add(counter::downlinks_given_up);
    return emit(device, downlink_outcome::failed, *t->item,
                downlink_error{"not_acknowledged",
                               "the device did not acknowledge it; a downlink bound to "
                               "an uplink's windows is not sent again"},
                t->f_cnt);
  }
  if (t->replaced) return emit_replaced(device, *t->item, t->f_cnt);  // its queue is gone: no retry
  requeue(device, std::move(*t->item), "not acknowledged");
}

void downlink_scheduler::handle_tx_ack(const tx_ack& ack) {
  auto* device = shard_.find_tx(ack.downlink_id);
  auto* state = device ? &device->downlinks : nullptr;
  const bool item = state && state->in_flight && state->in_flight->tx_id == ack.downlink_id;
  const bool mac_only = state && state->mac_only_tx == ack.downlink_id;
  if (!item && !mac_only) {
    shard_.out.counters.add(counter::tx_ack_unmatched);
    spdlog::debug("network: TxAck {} from {} matches no downlink waiting", ack.downlink_id, ack.gateway_id);
    return;
  }
  shard_.forget_tx(ack.downlink_id);
  transmission t{ack.downlink_id};
  if (item) {
    t = std::move(*state->in_flight);
    state->in_flight.reset();
  } else {
    state->mac_only_tx.reset();
  }
  if (ack.result == tx_result::success) {
    transmitted(*device, std::move(t));
  } else {
    tx_failed(*device, std::move(t), ack);
  }
  try_class_c(*device);
}

}  // namespace tether::network
