// Bound downlinks: a downlink that answers one uplink (application_downlink::answers) goes in the first
// of that uplink's windows still ahead, at once, or fails with window_missed. See downlink_scheduler.hpp.

#include "network/downlink_scheduler.hpp"

#include "core/log_context.hpp"
#include "lorawan/secure_frame.hpp"
#include "network/rx_windows.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tether::network {
namespace {

time_point now() { return std::chrono::system_clock::now(); }

// The frame of a bound item: no FOpts (whatever MAC answers were due had their chance in the Class A
// step), the uplink's ACK if it asked for one, FPending when queued items wait.
lorawan::result<bytes> build_bound_frame(lorawan::crypto_context& crypto, const device_entry& device,
                                         const storage::downlink_item& item) {
  const auto& state = device.downlinks;
  lorawan::data_frame f;
  f.type = item.confirmed ? lorawan::mtype::confirmed_data_down : lorawan::mtype::unconfirmed_data_down;
  f.header.dev_addr = to_number(device.session.dev_addr);
  f.header.f_ctrl.ack = state.open && state.open->ack;
  f.header.f_ctrl.f_pending = std::any_of(state.queue.begin(), state.queue.end(),
                                          [&state](const auto& i) { return ready(state, i); });
  f.f_port = item.f_port;
  f.frm_payload = item.frm_payload;
  const auto& s = device.session;  // committed only when a gateway takes the frame
  const auto f_cnt = std::max(s.n_f_cnt_down, s.a_f_cnt_down);
  return lorawan::encode_data_frame(crypto, f, f_cnt, s.nwk_s_key.bytes, s.app_s_key.bytes);
}

}  // namespace

void downlink_scheduler::push_bound(device_entry& device, const downlink_request& request) {
  std::vector<application_downlink> accepted;
  auto items = validate(request, device, accepted);
  for (std::size_t i = 0; i < items.size(); ++i) {
    items[i].seq = next_bound_seq_--;
    items[i].application_id = device.device.application_id;
    items[i].device_id = device.device.device_id;
    send_bound(device, std::move(items[i]), *accepted[i].answers);
  }
}

void downlink_scheduler::keep_windows_open(device_entry& device, const uplink_done& done, bool sent) {
  auto& open = device.downlinks.open;
  open = open_windows{done.f_cnt, {}, done.uplink.correlation_ids, done.confirmed, sent};
  if (sent) return;
  const auto paths = downlink_paths(done.uplink.rx_metadata);
  if (!paths.empty()) open->windows = class_a_windows(device, done, paths);
}

std::optional<std::string> downlink_scheduler::bound_obstacle(const device_entry& device,
                                                              const window_binding& binding) const {
  const auto& open = device.downlinks.open;
  const auto f_cnt = binding.uplink_f_cnt;
  if (const auto t = now(); t > binding.deadline) {
    const auto late = std::chrono::duration_cast<std::chrono::milliseconds>(t - binding.deadline);
    return fmt::format("the receive windows of uplink {} have passed ({} ms after the deadline)", f_cnt,
                       late.count());
  }
  if (!open) return fmt::format("uplink {} opened no windows this server knows of", f_cnt);
  if (open->uplink_f_cnt != f_cnt) {
    return fmt::format("the device sent uplink {} after uplink {}: its windows are gone", open->uplink_f_cnt,
                       f_cnt);
  }
  if (open->used) return fmt::format("a downlink already went in the windows of uplink {}", f_cnt);
  if (device.downlinks.in_flight) {
    return fmt::format("another downlink of the device is still on its way (uplink {})", f_cnt);
  }
  if (open->windows.empty()) return fmt::format("no gateway can answer uplink {}", f_cnt);
  return std::nullopt;
}

void downlink_scheduler::miss_window(device_entry& device, const storage::downlink_item& item,
                                     std::string name, std::string message) {
  shard_.out.counters.add(counter::bound_window_missed);
  if (const auto n = shard_.drop_log[static_cast<std::size_t>(counter::bound_window_missed)].due()) {
    spdlog::warn("network: bound downlink for {}/{} failed: {}: {}{}", device.device.application_id,
                 device.device.device_id, name, message, core::repeat_note(*n));
  }
  emit(device, downlink_outcome::failed, item, downlink_error{std::move(name), std::move(message)});
}

void downlink_scheduler::send_bound(device_entry& device, storage::downlink_item item,
                                    const window_binding& binding) {
  conclude_in_flight(device, false);  // a frame whose TxAck is overdue blocks nothing
  if (auto why = bound_obstacle(device, binding)) return miss_window(device, item, "window_missed", *why);
  auto& open = *device.downlinks.open;
  const auto& band = *device.plan.band;
  const auto fits = [&](const candidate_window& w) {
    return item.frm_payload.size() <= lorawan::band::max_app_payload(band, w.data_rate_index).value_or(0);
  };
  if (std::none_of(open.windows.begin(), open.windows.end(), fits)) {
    return miss_window(device, item, "payload_too_large",
                       fmt::format("{} bytes fit none of the windows of uplink {}", item.frm_payload.size(),
                                   binding.uplink_f_cnt));
  }
  auto wire = build_bound_frame(shard_.crypto, device, item);
  if (!wire) return miss_window(device, item, "window_missed", wire.error().message());
  built_frame frame{std::move(*wire), open.correlation_ids};
  frame.correlation_ids.insert(frame.correlation_ids.end(), item.correlation_ids.begin(),
                               item.correlation_ids.end());
  const auto& d = device.device;
  auto tried = try_windows(
      shard_, {&band, open.windows,
               [&](const candidate_window& w) -> const built_frame* { return fits(w) ? &frame : nullptr; },
               "ns:downlink:", d.application_id, d.device_id});
  if (!tried.sent) {
    if (!tried.refused.empty()) {
      const auto& why = tried.refused.back().why;
      return miss_window(device, item, why.name, why.message);
    }
    return miss_window(
        device, item, "window_missed",
        fmt::format("no window of uplink {} still ahead could take it (too late, gateway busy, "
                    "out of duty cycle or not connected)",
                    binding.uplink_f_cnt));
  }
  open.used = true;
  const auto f_cnt = next_f_cnt_down(device);
  emit(device, downlink_outcome::queued, item);
  hand_over(device, *tried.sent, std::move(item), f_cnt, true);
}

}  // namespace tether::network
