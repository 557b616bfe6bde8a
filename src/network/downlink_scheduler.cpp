#include "network/downlink_scheduler.hpp"

#include "lorawan/airtime.hpp"
#include "lorawan/mac/mac_codec.hpp"
#include "lorawan/secure_frame.hpp"
#include "network/rx_windows.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <algorithm>

namespace tether::network {
namespace {

time_point now() { return std::chrono::system_clock::now(); }

std::int64_t unix_ns(time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// The band's largest application payload (TTS: the largest MAC payload minus 8), checked at push.
std::size_t largest_app_payload(const lorawan::band::band& band) {
  std::size_t best = 0;
  for (std::uint8_t dr = 0; dr < band.data_rates.size(); ++dr) {
    if (auto n = lorawan::band::max_app_payload(band, dr)) best = std::max<std::size_t>(best, *n);
  }
  return best;
}

std::string to_string(tx_result r) {
  switch (r) {
    case tx_result::success:
      return "success";
    case tx_result::unknown_error:
      return "unknown_error";
    case tx_result::too_late:
      return "too_late";
    case tx_result::too_early:
      return "too_early";
    case tx_result::collision_packet:
      return "collision_packet";
    case tx_result::collision_beacon:
      return "collision_beacon";
    case tx_result::tx_freq:
      return "tx_freq";
    case tx_result::tx_power:
      return "tx_power";
    case tx_result::gps_unlocked:
      return "gps_unlocked";
  }
  return "unknown";
}

// Timing errors may pass in another window; a frequency or power the gateway cannot use will not.
bool retryable(tx_result r) {
  return r == tx_result::too_late || r == tx_result::too_early || r == tx_result::collision_packet ||
         r == tx_result::collision_beacon;
}

std::uint8_t desired_rx2_data_rate(const shard_state& shard, const device_entry& d) {
  return shard.out.options.rx2_data_rate.value_or(d.plan.rx2_data_rate);
}

}  // namespace

application_downlink to_application_downlink(const storage::downlink_item& item) {
  application_downlink d;
  d.f_port = item.f_port;
  d.frm_payload = item.frm_payload;
  d.priority = static_cast<downlink_priority>(std::min<std::uint8_t>(item.priority, 6));
  d.confirmed = item.confirmed;
  d.correlation_ids = item.correlation_ids;
  return d;
}

void insert_ordered(std::vector<storage::downlink_item>& queue, storage::downlink_item item) {
  const auto at = std::find_if(queue.begin(), queue.end(), [&item](const storage::downlink_item& q) {
    return q.priority < item.priority || (q.priority == item.priority && q.seq > item.seq);
  });
  queue.insert(at, std::move(item));
}

struct downlink_scheduler::window_choice {
  const rx_metadata* path = nullptr;  // the gateway that would transmit
  tx_settings settings;
  std::uint8_t data_rate_index = 0;
  std::chrono::seconds delay{0};
  const char* name = "";
};

// ---------------------------------------------------------------------------------------------------
// Queue

void downlink_scheduler::emit(const device_entry& device, downlink_outcome outcome,
                              const storage::downlink_item& item, std::optional<downlink_error> error,
                              std::uint32_t f_cnt) {
  const auto& d = device.device;
  downlink_event e;
  e.ids = {d.application_id, d.device_id, d.dev_eui, d.join_eui, device.session.dev_addr};
  e.outcome = outcome;
  e.downlink = to_application_downlink(item);
  e.downlink.f_cnt = f_cnt;
  e.error = std::move(error);
  e.at = now();
  shard_.out.events.on_downlink(e);
}

void downlink_scheduler::emit_failed(const downlink_request& request, const application_downlink& d,
                                     std::string name, std::string message) {
  shard_.out.counters.add(counter::downlinks_rejected);
  spdlog::info("network: downlink for {}/{} refused: {}: {}", request.application_id, request.device_id, name,
               message);
  downlink_event e;
  e.ids.application_id = request.application_id;
  e.ids.device_id = request.device_id;
  if (auto* device = shard_.devices.find({request.application_id, request.device_id})) {
    e.ids = {device->device.application_id, device->device.device_id, device->device.dev_eui,
             device->device.join_eui, device->session.dev_addr};
  }
  e.outcome = downlink_outcome::failed;
  e.downlink = d;
  e.error = downlink_error{std::move(name), std::move(message)};
  e.at = now();
  shard_.out.events.on_downlink(e);
}

void downlink_scheduler::push(downlink_request request) {
  const device_table::key id{request.application_id, request.device_id};
  auto* device = shard_.devices.find(id);
  const auto fail_all = [&](const std::string& name, const std::string& message) {
    for (const auto& d : request.downlinks) emit_failed(request, d, name, message);
  };
  if (!device) return fail_all("unknown_device", "the device is not registered");
  if (!device->session.active) return fail_all("unknown_session", "the device has no session (not joined)");
  if (!shard_.out.queue) return fail_all("downlink_queue_capacity", "no downlink queue store configured");

  const auto limit = largest_app_payload(*device->plan.band);
  std::vector<storage::downlink_item> items;
  std::vector<application_downlink> accepted;
  for (auto& d : request.downlinks) {
    if (d.f_port == 0 || d.f_port > 223) {
      emit_failed(request, d, d.f_port == 0 ? "no_f_port" : "f_port_invalid",
                  fmt::format("FPort {} is not an application port (1..223)", d.f_port));
      continue;
    }
    if (d.frm_payload.size() > limit) {
      emit_failed(request, d, "application_downlink_too_long",
                  fmt::format("payload of {} bytes exceeds the {} bytes {} allows", d.frm_payload.size(),
                              limit, device->plan.band->id));
      continue;
    }
    storage::downlink_item item;
    item.f_port = d.f_port;
    item.frm_payload = d.frm_payload;
    item.priority = static_cast<std::uint8_t>(d.priority);
    item.confirmed = d.confirmed;
    item.correlation_ids = d.correlation_ids;
    item.queued_at = unix_ns(now());
    items.push_back(std::move(item));
    accepted.push_back(std::move(d));
  }
  if (items.empty() && !request.replace) return;

  auto stored = request.replace ? shard_.out.queue->replace(id.first, id.second, std::move(items))
                                : shard_.out.queue->push(id.first, id.second, std::move(items));
  if (!stored) {
    const auto name =
        stored.error() == storage::storage_errc::queue_full ? "downlink_queue_capacity" : "downlink_queue";
    for (const auto& d : accepted) emit_failed(request, d, name, stored.error().message());
    return;
  }
  // Memory follows the store at once (later pushes see the new queue); the events wait for the disk.
  auto& state = device->downlinks;
  if (request.replace) {
    state.queue.clear();
    state.not_durable.clear();  // their callbacks still announce them; nothing waits on them here
    // The replaced items are gone from the store too: nothing waits for their TxAck or ACK any more.
    if (state.in_flight) state.in_flight->item.reset();
    state.awaiting_ack.reset();
  }
  for (const auto& item : stored->items) {
    state.not_durable.insert(item.seq);
    insert_ordered(state.queue, item);
  }
  shard_.out.counters.add(counter::downlinks_queued, stored->items.size());

  auto tracked = boost::asio::prefer(shard_.strand, boost::asio::execution::outstanding_work.tracked);
  shard_.out.queue->when_durable(
      stored->ticket, [this, tracked, id, items = std::move(stored->items)]() mutable {
        boost::asio::post(tracked, [this, id = std::move(id), items = std::move(items)] {
          auto* d = shard_.devices.find(id);
          if (!d) return;  // removed meanwhile; its queue went with it
          for (const auto& item : items) {
            d->downlinks.not_durable.erase(item.seq);
            emit(*d, downlink_outcome::queued, item);
          }
          try_class_c(*d);
        });
      });
}

void downlink_scheduler::remove_stored(const device_entry& device, std::uint64_t seq) {
  if (!shard_.out.queue) return;
  // not_found: a replace removed it meanwhile.
  (void)shard_.out.queue->remove(device.device.application_id, device.device.device_id, seq);
}

void downlink_scheduler::requeue(device_entry& device, storage::downlink_item item, const char* why) {
  ++item.attempts;
  if (item.attempts >= max_confirmed_attempts) {
    shard_.out.counters.add(counter::downlinks_given_up);
    spdlog::info("network: downlink {}/{}#{} given up after {} attempts ({})", device.device.application_id,
                 device.device.device_id, item.seq, item.attempts, why);
    remove_stored(device, item.seq);
    emit(device, downlink_outcome::failed, item,
         downlink_error{"max_retries_reached", fmt::format("no success after {} attempts", item.attempts)});
    return;
  }
  if (shard_.out.queue) (void)shard_.out.queue->update(item);
  insert_ordered(device.downlinks.queue, std::move(item));
}

std::uint32_t downlink_scheduler::next_f_cnt_down(device_entry& device) {
  auto& s = device.session;
  const auto f_cnt = std::max(s.n_f_cnt_down, s.a_f_cnt_down);
  s.n_f_cnt_down = s.a_f_cnt_down = f_cnt + 1;
  return f_cnt;
}

// ---------------------------------------------------------------------------------------------------
// MAC state

void downlink_scheduler::apply_mac_answers(device_entry& device) {
  auto& mac = device.mac;
  const auto& options = shard_.out.options;
  std::vector<lorawan::mac::link_adr_ans> adr_answers;
  std::erase_if(mac.received, [&](const lorawan::mac::uplink_command& c) {
    if (const auto* a = std::get_if<lorawan::mac::link_adr_ans>(&c)) {
      adr_answers.push_back(*a);
      return true;
    }
    if (std::holds_alternative<lorawan::mac::rx_timing_setup_ans>(c)) {
      mac.rx1_delay = options.rx1_delay;
      return true;
    }
    if (const auto* a = std::get_if<lorawan::mac::rx_param_setup_ans>(&c)) {
      if (a->rx1_dr_offset_ack && a->rx2_data_rate_ack && a->channel_ack) {
        mac.rx1_dr_offset = options.rx1_dr_offset;
        mac.rx2_data_rate = desired_rx2_data_rate(shard_, device);
        mac.rx2_frequency = device.plan.rx2_frequency;
      }
      return true;
    }
    return false;
  });
  if (adr_answers.empty()) return;
  const auto asked = mac.adr.requested;
  const auto outcome = apply_link_adr_answers(mac.adr, adr_answers);
  if (!asked) return;  // an answer to nothing we sent (e.g. a request of before a restart)
  if (outcome == adr_answer::accepted) {
    shard_.out.counters.add(counter::adr_accepted);
    spdlog::debug("network: {}/{} accepted ADR: DR{} TXPower {} NbTrans {}", device.device.application_id,
                  device.device.device_id, asked->data_rate, asked->tx_power, asked->nb_trans);
  } else {
    shard_.out.counters.add(counter::adr_refused);
    spdlog::info("network: {}/{} refused a LinkADRReq; it keeps its settings", device.device.application_id,
                 device.device.device_id);
  }
}

std::vector<lorawan::mac::link_adr_req> downlink_scheduler::adr_request(device_entry& device,
                                                                        const uplink_done& done,
                                                                        adr_settings& target) {
  auto& adr = device.mac.adr;
  if (!done.adr || !device.plan.band) return {};
  if (adr.unanswered >= adr_max_unanswered) {
    // The device does not answer: learn again before asking again.
    spdlog::info("network: {}/{} did not answer {} LinkADRReqs; ADR starts over",
                 device.device.application_id, device.device.device_id, adr.unanswered);
    adr.history.clear();
    adr.requested.reset();
    adr.unanswered = 0;
    return {};
  }
  auto decision = adr_decision(adr, *device.plan.band, shard_.out.options.adr_margin_db);
  if (!decision) return {};
  target = *decision;
  return link_adr_block(device.plan, target, device.device.activation == registry::activation_mode::otaa);
}

void downlink_scheduler::observe_adr(device_entry& device, const uplink_done& done) {
  auto& adr = device.mac.adr;
  if (!done.adr) {
    adr.history.clear();
    return;
  }
  if (done.retransmission || !device.plan.band || done.uplink.rx_metadata.empty()) return;
  const auto dr = uplink_data_rate_index(*device.plan.band, done.uplink.settings.data_rate);
  if (!dr) return;
  float best_snr = done.uplink.rx_metadata.front().snr;
  for (const auto& m : done.uplink.rx_metadata) best_snr = std::max(best_snr, m.snr);
  record_adr_uplink(adr, {done.f_cnt, best_snr, *dr});
}

// ---------------------------------------------------------------------------------------------------
// Class A

void downlink_scheduler::settle_confirmed(device_entry& device, bool acked) {
  auto& state = device.downlinks;
  std::optional<transmission> t = std::move(state.awaiting_ack);
  state.awaiting_ack.reset();
  if (!t && state.in_flight && state.in_flight->item && state.in_flight->item->confirmed) {
    // No TxAck came, but the device's answer tells what happened.
    t = std::move(state.in_flight);
    state.in_flight.reset();
  }
  if (!t || !t->item) return;
  if (acked) {
    shard_.out.counters.add(counter::downlinks_acked);
    remove_stored(device, t->item->seq);
    emit(device, downlink_outcome::ack, *t->item, std::nullopt, t->f_cnt);
    return;
  }
  shard_.out.counters.add(counter::downlinks_nacked);
  emit(device, downlink_outcome::nack, *t->item, std::nullopt, t->f_cnt);
  requeue(device, std::move(*t->item), "not acknowledged");
}

void downlink_scheduler::after_uplink(device_entry& device, const uplink_done& done) {
  auto& state = device.downlinks;
  if (const auto paths = downlink_paths(done.uplink.rx_metadata); !paths.empty()) {
    const auto& path = *paths.front();
    state.last_heard = heard_path{path.gateway_id, path.uplink_token, path.antenna_index, path.timestamp,
                                  done.uplink.received_at};
  }
  apply_mac_answers(device);
  observe_adr(device, done);
  settle_confirmed(device, done.ack);
  if (state.in_flight && now() - state.in_flight->at > tx_ack_timeout) {
    // The gateway took it but never answered: assume transmitted, without a sent event.
    shard_.out.counters.add(counter::tx_ack_unmatched);
    spdlog::info("network: downlink {} of {}/{} had no TxAck; assumed transmitted", state.in_flight->tx_id,
                 device.device.application_id, device.device.device_id);
    if (state.in_flight->item) remove_stored(device, state.in_flight->item->seq);
    state.in_flight.reset();
  }
  ++state.uplinks_since_dev_status;
  if (!done.retransmission || done.confirmed) schedule_class_a(device, done);
  try_class_c(device);
}

void downlink_scheduler::fail_oversized(device_entry& device, const lorawan::band::band& band,
                                        const std::vector<window_choice>& windows) {
  std::size_t largest = 0;
  std::string rates;
  for (const auto& w : windows) {
    largest =
        std::max<std::size_t>(largest, lorawan::band::max_app_payload(band, w.data_rate_index).value_or(0));
    rates += fmt::format("{}{} DR{}", rates.empty() ? "" : ", ", w.name, w.data_rate_index);
  }
  if (windows.empty()) return;
  auto& queue = device.downlinks.queue;
  for (auto it = queue.begin(); it != queue.end();) {
    if (it->frm_payload.size() <= largest || !ready(device.downlinks, *it)) {
      ++it;
      continue;
    }
    // It fits no window this device opens at its data rate: waiting would hold it forever.
    shard_.out.counters.add(counter::downlinks_given_up);
    remove_stored(device, it->seq);
    emit(
        device, downlink_outcome::failed, *it,
        downlink_error{"payload_too_large", fmt::format("{} bytes; the device's windows ({}) take at most {}",
                                                        it->frm_payload.size(), rates, largest)});
    it = queue.erase(it);
  }
}

bool downlink_scheduler::schedule_class_a(device_entry& device, const uplink_done& done) {
  auto& state = device.downlinks;
  const auto& mac = device.mac;
  const bool answers = !mac.pending_answers.empty();
  const bool class_c = device.device.cls == registry::device_class::c;
  // A Class C device takes its queue outside the windows too; here only what must answer the uplink.
  const bool queue_due = !state.in_flight && (!class_c || done.confirmed) &&
                         std::any_of(state.queue.begin(), state.queue.end(),
                                     [&state](const storage::downlink_item& i) { return ready(state, i); });
  adr_settings adr_target;
  auto adr_block = adr_request(device, done, adr_target);
  if (!done.confirmed && !answers && !done.adr_ack_req && !queue_due && adr_block.empty()) return false;

  const auto paths = downlink_paths(done.uplink.rx_metadata);
  if (paths.empty()) {
    shard_.out.counters.add(counter::downlink_not_scheduled);
    spdlog::info("network: no downlink for {}/{}: no gateway copy carries an uplink token",
                 device.device.application_id, device.device.device_id);
    return false;
  }
  const auto& band = *device.plan.band;

  // MAC commands: answers first, then requests that ride along when they fit.
  std::vector<lorawan::mac::downlink_command> commands = mac.pending_answers;
  // Adds the group whole when FOpts can still take it (a LinkADRReq block is applied atomically).
  const auto add_if_fits = [&commands](std::span<const lorawan::mac::downlink_command> group) {
    auto with = commands;
    with.insert(with.end(), group.begin(), group.end());
    auto encoded = lorawan::mac::encode_all(with);
    if (!encoded || encoded->size() > max_pending_answer_bytes) return false;
    commands = std::move(with);
    return true;
  };
  const std::vector<lorawan::mac::downlink_command> adr_commands(adr_block.begin(), adr_block.end());
  const bool adr_due = !adr_commands.empty() && add_if_fits(adr_commands);
  const auto& options = shard_.out.options;
  if (mac.rx1_delay != options.rx1_delay) {
    const lorawan::mac::downlink_command r = lorawan::mac::rx_timing_setup_req{options.rx1_delay};
    add_if_fits({&r, 1});
  }
  const auto rx2_dr = desired_rx2_data_rate(shard_, device);
  if (mac.rx1_dr_offset != options.rx1_dr_offset || mac.rx2_data_rate != rx2_dr ||
      mac.rx2_frequency != device.plan.rx2_frequency) {
    const lorawan::mac::downlink_command r =
        lorawan::mac::rx_param_setup_req{options.rx1_dr_offset, rx2_dr, device.plan.rx2_frequency};
    add_if_fits({&r, 1});
  }
  bool dev_status_sent = false;
  if (state.uplinks_since_dev_status >= dev_status_interval) {
    const lorawan::mac::downlink_command r = lorawan::mac::dev_status_req{};
    dev_status_sent = add_if_fits({&r, 1});
  }
  auto f_opts = lorawan::mac::encode_all(commands);
  if (!f_opts) f_opts = bytes{};

  // RX1 through each gateway that heard the uplink (best first), then RX2 through each.
  const std::chrono::seconds rx1_delay{std::max<std::uint8_t>(mac.rx1_delay, 1)};
  const auto rx2_delay = rx1_delay + std::chrono::seconds(1);
  const auto rx2_frequency = mac.rx2_frequency ? mac.rx2_frequency : device.plan.rx2_frequency;
  std::vector<window_choice> windows;
  for (const auto* path : paths) {
    if (auto rx1 = rx1_window(band, done.uplink.settings, *path, rx1_delay, mac.rx1_dr_offset)) {
      if (auto dr = downlink_data_rate_index(band, rx1->data_rate)) {
        windows.push_back({path, *rx1, *dr, rx1_delay, "RX1"});
      }
    }
  }
  for (const auto* path : paths) {
    if (auto rx2 = rx2_window(band, rx2_frequency, mac.rx2_data_rate, *path, rx2_delay)) {
      windows.push_back({path, *rx2, mac.rx2_data_rate, rx2_delay, "RX2"});
    }
  }
  if (queue_due) fail_oversized(device, band, windows);

  const auto received_at = done.uplink.received_at;
  for (const auto& w : windows) {
    const auto start = received_at + w.delay;
    if (start - now() < schedule_margin) {
      shard_.out.counters.add(counter::downlink_too_late);
      spdlog::debug("network: {}/{}: {} skipped: too late", device.device.application_id,
                    device.device.device_id, w.name);
      continue;
    }
    const auto max_payload = lorawan::band::max_app_payload(band, w.data_rate_index).value_or(0);
    if (f_opts->size() > max_payload) continue;
    // The highest-priority item that fits this window's data rate.
    auto item_it = state.queue.end();
    if (queue_due) {
      item_it = std::find_if(state.queue.begin(), state.queue.end(), [&](const storage::downlink_item& i) {
        return ready(state, i) && i.frm_payload.size() + f_opts->size() <= max_payload;
      });
    }
    const bool has_item = item_it != state.queue.end();
    if (!has_item && !done.confirmed && !answers && !done.adr_ack_req && !adr_due)
      continue;  // nothing fits here

    lorawan::data_frame f;
    f.type = has_item && item_it->confirmed ? lorawan::mtype::confirmed_data_down
                                            : lorawan::mtype::unconfirmed_data_down;
    f.header.dev_addr = to_number(device.session.dev_addr);
    f.header.f_ctrl.ack = done.confirmed;
    f.header.f_ctrl.f_pending = state.queue.size() > (has_item ? 1u : 0u);
    f.header.f_opts = *f_opts;
    if (has_item) {
      f.f_port = item_it->f_port;
      f.frm_payload = item_it->frm_payload;
    }
    auto s = device.session;  // the counter is committed only when a gateway takes the frame
    const auto f_cnt = std::max(s.n_f_cnt_down, s.a_f_cnt_down);
    auto wire = lorawan::encode_data_frame(shard_.crypto, f, f_cnt, s.nwk_s_key.bytes, s.app_s_key.bytes);
    if (!wire) continue;
    const auto airtime = lorawan::airtime(band.data_rates[w.data_rate_index], wire->size());
    if (airtime && !shard_.reserve_airtime(w.path->gateway_id, band, w.settings.frequency,
                                           w.settings.timestamp, start, *airtime)) {
      spdlog::debug("network: {}/{}: {} via {} skipped: transmitter busy or out of duty cycle",
                    device.device.application_id, device.device.device_id, w.name, w.path->gateway_id);
      continue;
    }
    downlink_tx tx;
    tx.id = shard_.next_tx_id();
    tx.gateway_id = w.path->gateway_id;
    tx.uplink_token = w.path->uplink_token;
    tx.raw_payload = std::move(*wire);
    tx.scheduled = w.settings;
    tx.correlation_ids = done.uplink.correlation_ids;
    if (has_item) {
      tx.correlation_ids.insert(tx.correlation_ids.end(), item_it->correlation_ids.begin(),
                                item_it->correlation_ids.end());
    }
    tx.correlation_ids.push_back("ns:downlink:" + std::to_string(tx.id));
    if (shard_.out.downlinks.send_downlink(tx) == send_result::not_connected) {
      shard_.out.counters.add(counter::downlink_refused);
      if (airtime) shard_.release_airtime(tx.gateway_id, w.settings.timestamp);
      continue;
    }
    next_f_cnt_down(device);
    shard_.out.counters.add(counter::downlinks_scheduled);
    device.mac.pending_answers.clear();
    if (adr_due) {
      device.mac.adr.requested = adr_target;
      ++device.mac.adr.unanswered;
      shard_.out.counters.add(counter::adr_requests_sent);
    }
    if (dev_status_sent) state.uplinks_since_dev_status = 0;
    transmission t{tx.id, std::nullopt, f_cnt, now()};
    if (has_item) {
      t.item = std::move(*item_it);
      state.queue.erase(item_it);
    }
    state.in_flight = std::move(t);
    shard_.remember_tx(tx.id, {device.device.application_id, device.device.device_id});
    shard_.persist(device);
    spdlog::debug("network: {}/{} downlink {} on {} via {}", device.device.application_id,
                  device.device.device_id, tx.id, w.name, tx.gateway_id);
    return true;
  }
  shard_.out.counters.add(counter::downlink_not_scheduled);
  spdlog::info(
      "network: no window for the downlink of {}/{} (ack {}, {} queued): it waits for the next uplink",
      device.device.application_id, device.device.device_id, done.confirmed, state.queue.size());
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Class C

void downlink_scheduler::try_class_c(device_entry& device) {
  auto& state = device.downlinks;
  if (device.device.cls != registry::device_class::c || !device.session.active || !state.last_heard ||
      state.in_flight || state.awaiting_ack || state.queue.empty()) {
    return;
  }
  const auto& band = *device.plan.band;
  const auto& path = *state.last_heard;
  const auto& mac = device.mac;
  const auto max_payload = lorawan::band::max_app_payload(band, mac.rx2_data_rate).value_or(0);
  auto item_it = std::find_if(state.queue.begin(), state.queue.end(), [&](const storage::downlink_item& i) {
    return ready(state, i) && i.frm_payload.size() <= max_payload;
  });
  if (item_it == state.queue.end()) return;  // waits for a Class A window at a higher data rate

  // The gateway's concentrator clock now, estimated from its last uplink, plus TTS's anytime delay.
  const auto t = now();
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(t - path.received_at);
  const auto rx2_frequency = mac.rx2_frequency ? mac.rx2_frequency : device.plan.rx2_frequency;
  rx_metadata at;
  at.timestamp = path.timestamp + static_cast<std::uint32_t>(elapsed.count()) +
                 static_cast<std::uint32_t>(std::chrono::microseconds(class_c_delay).count());
  at.antenna_index = path.antenna_index;
  auto settings = rx2_window(band, rx2_frequency, mac.rx2_data_rate, at, std::chrono::seconds(0));
  if (!settings) return;

  lorawan::data_frame f;
  f.type = item_it->confirmed ? lorawan::mtype::confirmed_data_down : lorawan::mtype::unconfirmed_data_down;
  f.header.dev_addr = to_number(device.session.dev_addr);
  f.header.f_ctrl.f_pending = state.queue.size() > 1;
  f.f_port = item_it->f_port;
  f.frm_payload = item_it->frm_payload;
  const auto& s = device.session;
  const auto f_cnt = std::max(s.n_f_cnt_down, s.a_f_cnt_down);
  auto wire = lorawan::encode_data_frame(shard_.crypto, f, f_cnt, s.nwk_s_key.bytes, s.app_s_key.bytes);
  if (!wire) return;
  const auto airtime = lorawan::airtime(band.data_rates[mac.rx2_data_rate], wire->size());
  if (airtime) {
    // As soon as the gateway's transmitter is free (another Class C frame may be on air).
    auto wait =
        shard_.reserve_earliest_airtime(path.gateway_id, band, settings->frequency, settings->timestamp,
                                        t + class_c_delay, *airtime, class_c_max_wait);
    if (!wait) {
      spdlog::debug("network: Class C downlink of {}/{} held: gateway {} is busy or out of duty cycle",
                    device.device.application_id, device.device.device_id, path.gateway_id);
      return;
    }
    settings->timestamp += static_cast<std::uint32_t>(wait->count());
  }
  downlink_tx tx;
  tx.id = shard_.next_tx_id();
  tx.gateway_id = path.gateway_id;
  tx.raw_payload = std::move(*wire);
  tx.scheduled = *settings;
  tx.correlation_ids = item_it->correlation_ids;
  tx.correlation_ids.push_back("ns:downlink:" + std::to_string(tx.id));
  if (shard_.out.downlinks.send_downlink(tx) == send_result::not_connected) {
    shard_.out.counters.add(counter::downlink_refused);
    if (airtime) shard_.release_airtime(tx.gateway_id, settings->timestamp);
    spdlog::info("network: Class C downlink of {}/{} held: gateway {} is not connected",
                 device.device.application_id, device.device.device_id, path.gateway_id);
    return;
  }
  next_f_cnt_down(device);
  shard_.out.counters.add(counter::downlinks_scheduled);
  state.in_flight = transmission{tx.id, std::move(*item_it), f_cnt, t};
  state.queue.erase(item_it);
  shard_.remember_tx(tx.id, {device.device.application_id, device.device.device_id});
  shard_.persist(device);
}

// ---------------------------------------------------------------------------------------------------
// TxAck

void downlink_scheduler::handle_tx_ack(const tx_ack& ack) {
  auto* device = shard_.find_tx(ack.downlink_id);
  if (!device || !device->downlinks.in_flight || device->downlinks.in_flight->tx_id != ack.downlink_id) {
    shard_.out.counters.add(counter::tx_ack_unmatched);
    spdlog::debug("network: TxAck {} from {} matches no downlink waiting", ack.downlink_id, ack.gateway_id);
    return;
  }
  auto& state = device->downlinks;
  auto t = std::move(*state.in_flight);
  state.in_flight.reset();
  shard_.forget_tx(ack.downlink_id);
  if (ack.result == tx_result::success) {
    shard_.out.counters.add(counter::downlinks_sent);
    if (t.item) {
      emit(*device, downlink_outcome::sent, *t.item, std::nullopt, t.f_cnt);
      if (t.item->confirmed) {
        state.awaiting_ack = std::move(t);
      } else {
        remove_stored(*device, t.item->seq);
      }
    }
  } else {
    shard_.out.counters.add(counter::downlinks_tx_failed);
    spdlog::info("network: downlink {} of {}/{} failed at gateway {}: {}", t.tx_id,
                 device->device.application_id, device->device.device_id, ack.gateway_id,
                 to_string(ack.result));
    // MAC-only frames are not reported (TTS ignores their acks); their answers were cleared already.
    if (t.item) {
      emit(*device, downlink_outcome::failed, *t.item,
           downlink_error{"transmission", "gateway TxAck: " + to_string(ack.result)}, t.f_cnt);
      if (retryable(ack.result)) {
        requeue(*device, std::move(*t.item), to_string(ack.result).c_str());
      } else {
        remove_stored(*device, t.item->seq);
      }
    }
  }
  try_class_c(*device);
}

}  // namespace tether::network
