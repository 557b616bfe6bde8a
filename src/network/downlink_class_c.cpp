// Class C: the head of the queue goes as soon as the device can take it, in RX2 through the gateway
// that last heard the device, at its estimated concentrator time plus TTS's anytime delay, or later
// when that gateway's transmitter is booked (up to class_c_max_wait).

#include "network/downlink_scheduler.hpp"

#include "lorawan/secure_frame.hpp"
#include "network/rx_windows.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tether::network {
namespace {

bool can_take(const device_entry& device) {
  const auto& state = device.downlinks;
  return device.device.cls == registry::device_class::c && device.session.active && state.last_heard &&
         !state.in_flight && !state.awaiting_ack && !state.queue.empty();
}

// RX2 settings through the last gateway, its concentrator clock now estimated from its last uplink.
std::optional<candidate_window> class_c_window(const device_entry& device, time_point t) {
  const auto& band = *device.plan.band;
  const auto& path = *device.downlinks.last_heard;
  const auto& mac = device.mac;
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(t - path.received_at);
  const auto rx2_frequency = mac.rx2_frequency ? mac.rx2_frequency : device.plan.rx2_frequency;
  rx_metadata at;
  at.timestamp = path.timestamp + static_cast<std::uint32_t>(elapsed.count()) +
                 static_cast<std::uint32_t>(std::chrono::microseconds(class_c_delay).count());
  at.antenna_index = path.antenna_index;
  auto settings = rx2_window(band, rx2_frequency, mac.rx2_data_rate, at, std::chrono::seconds(0));
  if (!settings) return std::nullopt;
  return candidate_window{"Class C",         path.gateway_id,   bytes{},         *settings,
                          mac.rx2_data_rate, t + class_c_delay, class_c_max_wait};
}

}  // namespace

void downlink_scheduler::try_class_c(device_entry& device) {
  conclude_in_flight(device, false);
  // While the gateway reports frames sent at once nothing else wakes this device: take the next item
  // too (bounded by the queue, and by the transmitter's class_c_max_wait).
  while (can_take(device)) {
    auto& state = device.downlinks;
    const auto max_payload =
        lorawan::band::max_app_payload(*device.plan.band, device.mac.rx2_data_rate).value_or(0);
    auto item_it = std::find_if(state.queue.begin(), state.queue.end(), [&](const storage::downlink_item& i) {
      return ready(state, i) && i.frm_payload.size() <= max_payload;
    });
    if (item_it == state.queue.end()) return;  // waits for a Class A window at a higher data rate
    const auto window = class_c_window(device, std::chrono::system_clock::now());
    if (!window) return;

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
    const built_frame frame{std::move(*wire), item_it->correlation_ids};
    const auto tried = try_windows(shard_, {device.plan.band,
                                            {&*window, 1},
                                            [&frame](const candidate_window&) { return &frame; },
                                            "ns:downlink:",
                                            device.device.application_id,
                                            device.device.device_id});
    const auto& sent = tried.sent;
    if (!sent && !tried.refused.empty()) {
      fail_refused(device, item_it->seq, tried.refused.front().why);  // the next item may fit
      continue;
    }
    if (!sent) {
      spdlog::debug("network: Class C downlink of {}/{} held: gateway {} is busy, out of duty cycle or gone",
                    device.device.application_id, device.device.device_id, window->gateway_id);
      return;
    }
    next_f_cnt_down(device);
    auto item = std::move(*item_it);
    state.queue.erase(item_it);
    hand_over(device, *sent, std::move(item), f_cnt);
  }
}

}  // namespace tether::network
