// Class A: after each data uplink, the answer in RX1 (through each gateway that heard it, best
// first), else RX2 — ACK bookkeeping first, then the highest-priority queued item that fits the window
// together with the MAC commands due.

#include "network/downlink_scheduler.hpp"

#include "lorawan/secure_frame.hpp"
#include "network/rx_windows.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <optional>

namespace tether::network {

void downlink_scheduler::after_uplink(device_entry& device, const uplink_done& done) {
  auto& state = device.downlinks;
  if (const auto paths = downlink_paths(done.uplink.rx_metadata); !paths.empty()) {
    const auto& path = *paths.front();
    state.last_heard = heard_path{path.gateway_id, path.uplink_token, path.antenna_index, path.timestamp,
                                  done.uplink.received_at};
  }
  apply_mac_answers(device);
  observe_adr(device, done);
  conclude_in_flight(device, true);
  settle_confirmed(device, done.ack);
  ++state.uplinks_since_dev_status;
  if (!done.retransmission || done.confirmed) keep_windows_open(device, done, schedule_class_a(device, done));
  try_class_c(device);
}

void downlink_scheduler::fail_oversized(device_entry& device, const lorawan::band::band& band,
                                        const std::vector<candidate_window>& windows) {
  if (windows.empty()) return;
  std::size_t largest = 0;
  std::string rates;
  for (const auto& w : windows) {
    largest =
        std::max<std::size_t>(largest, lorawan::band::max_app_payload(band, w.data_rate_index).value_or(0));
    rates += fmt::format("{}{} DR{}", rates.empty() ? "" : ", ", w.name, w.data_rate_index);
  }
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

// RX1 through each gateway that heard the uplink (best first), then RX2 through each.
std::vector<candidate_window> downlink_scheduler::class_a_windows(
    const device_entry& device, const uplink_done& done, const std::vector<const rx_metadata*>& paths) const {
  const auto& band = *device.plan.band;
  const auto& mac = device.mac;
  const std::chrono::seconds rx1_delay{std::max<std::uint8_t>(mac.rx1_delay, 1)};
  const auto rx2_delay = rx1_delay + std::chrono::seconds(1);
  const auto rx2_frequency = mac.rx2_frequency ? mac.rx2_frequency : device.plan.rx2_frequency;
  const auto at = done.uplink.received_at;
  std::vector<candidate_window> windows;
  for (const auto* path : paths) {
    if (auto rx1 = rx1_window(band, done.uplink.settings, *path, rx1_delay, mac.rx1_dr_offset)) {
      if (auto dr = downlink_data_rate_index(band, rx1->data_rate)) {
        windows.push_back({"RX1", path->gateway_id, path->uplink_token, *rx1, *dr, at + rx1_delay});
      }
    }
  }
  for (const auto* path : paths) {
    if (auto rx2 = rx2_window(band, rx2_frequency, mac.rx2_data_rate, *path, rx2_delay)) {
      windows.push_back(
          {"RX2", path->gateway_id, path->uplink_token, *rx2, mac.rx2_data_rate, at + rx2_delay});
    }
  }
  return windows;
}

// Builds each distinct frame once: a window carries the highest-priority ready item that fits its
// data rate next to the MAC commands (or none, when the frame must go anyway); the counter is the
// same in every window, so equal content means equal bytes.
namespace {
class class_a_frames {
 public:
  class_a_frames(const device_entry& device, const bytes& f_opts, bool must_send, bool queue_due,
                 const uplink_done& done, lorawan::crypto_context& crypto)
      : device_(device),
        f_opts_(f_opts),
        must_send_(must_send),
        queue_due_(queue_due),
        done_(done),
        crypto_(crypto) {}

  const built_frame* operator()(const candidate_window& w) {
    const auto& state = device_.downlinks;
    const auto max_payload =
        lorawan::band::max_app_payload(*device_.plan.band, w.data_rate_index).value_or(0);
    if (f_opts_.size() > max_payload) return nullptr;
    auto item = state.queue.end();
    if (queue_due_) {
      item = std::find_if(state.queue.begin(), state.queue.end(), [&](const storage::downlink_item& i) {
        return ready(state, i) && i.frm_payload.size() + f_opts_.size() <= max_payload;
      });
    }
    const bool has_item = item != state.queue.end();
    if (!has_item && !must_send_) return nullptr;  // nothing fits here
    chosen = has_item ? item->seq : 0;             // seqs start at 1
    for (const auto& [seq, frame] : built_) {
      if (seq == chosen) return &frame;
    }
    auto wire = build(has_item ? &*item : nullptr);
    if (!wire) return nullptr;
    built_frame frame{std::move(*wire), done_.uplink.correlation_ids};
    if (has_item) {
      frame.correlation_ids.insert(frame.correlation_ids.end(), item->correlation_ids.begin(),
                                   item->correlation_ids.end());
    }
    return &built_.emplace_back(chosen, std::move(frame)).second;
  }

  std::uint64_t chosen = 0;  // the item (seq) of the last frame handed out; 0: none

  // The item (seq) a frame handed out carries; 0: none.
  std::uint64_t item_of(const built_frame* frame) const {
    for (const auto& [seq, f] : built_) {
      if (&f == frame) return seq;
    }
    return 0;
  }

 private:
  lorawan::result<bytes> build(const storage::downlink_item* item) {
    const auto& state = device_.downlinks;
    lorawan::data_frame f;
    f.type =
        item && item->confirmed ? lorawan::mtype::confirmed_data_down : lorawan::mtype::unconfirmed_data_down;
    f.header.dev_addr = to_number(device_.session.dev_addr);
    f.header.f_ctrl.ack = done_.confirmed;
    f.header.f_ctrl.f_pending = state.queue.size() > (item ? 1u : 0u);
    f.header.f_opts = f_opts_;
    if (item) {
      f.f_port = item->f_port;
      f.frm_payload = item->frm_payload;
    }
    const auto& s = device_.session;  // the counter is committed only when a gateway takes the frame
    const auto f_cnt = std::max(s.n_f_cnt_down, s.a_f_cnt_down);
    return lorawan::encode_data_frame(crypto_, f, f_cnt, s.nwk_s_key.bytes, s.app_s_key.bytes);
  }

  const device_entry& device_;
  const bytes& f_opts_;
  bool must_send_, queue_due_;
  const uplink_done& done_;
  lorawan::crypto_context& crypto_;
  std::deque<std::pair<std::uint64_t, built_frame>> built_;  // stable addresses
};
}  // namespace

bool downlink_scheduler::schedule_class_a(device_entry& device, const uplink_done& done) {
  auto plan = plan_class_a(device, done);
  if (!plan.wanted) return false;
  const auto& app_dev = device.device;
  const auto paths = downlink_paths(done.uplink.rx_metadata);
  if (paths.empty()) {
    shard_.out.counters.add(counter::downlink_not_scheduled);
    spdlog::info("network: no downlink for {}/{}: no gateway copy carries an uplink token",
                 app_dev.application_id, app_dev.device_id);
    return false;
  }
  const auto windows = class_a_windows(device, done, paths);
  if (plan.queue_due) fail_oversized(device, *device.plan.band, windows);

  auto& queue = device.downlinks.queue;
  std::optional<class_a_frames> frames;
  std::optional<sent_window> s;
  // An item whose frame a gateway refused for good fails unless the frame that went carries it; when
  // none went, the windows are tried again without it (each round removes an item, so this ends).
  for (bool again = true; again;) {
    frames.emplace(device, plan.f_opts, plan.must_send, plan.queue_due, done, shard_.crypto);
    auto tried = try_windows(shard_, {device.plan.band, windows, std::ref(*frames),
                                      "ns:downlink:", app_dev.application_id, app_dev.device_id});
    s = std::move(tried.sent);
    const auto carried = s ? frames->chosen : 0;  // the last frame handed out is the one that went
    again = false;
    for (const auto& r : tried.refused) {
      const auto seq = frames->item_of(r.frame);
      if (seq == 0 || seq == carried) continue;
      fail_refused(device, seq, r.why);
      again = !s;
    }
  }
  if (!s) {
    shard_.out.counters.add(counter::downlink_not_scheduled);
    spdlog::info(
        "network: no window for the downlink of {}/{} (ack {}, {} queued): it waits for the next uplink",
        app_dev.application_id, app_dev.device_id, done.confirmed, queue.size());
    return false;
  }
  const auto f_cnt = next_f_cnt_down(device);
  commit_mac(device, plan);
  std::optional<storage::downlink_item> item;
  if (frames->chosen) {
    const auto it =
        std::find_if(queue.begin(), queue.end(), [&](const auto& i) { return i.seq == frames->chosen; });
    item = std::move(*it);
    queue.erase(it);
  }
  hand_over(device, *s, std::move(item), f_cnt);
  return true;
}

}  // namespace tether::network
