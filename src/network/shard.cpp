#include "network/shard.hpp"

#include "lorawan/frame/mhdr.hpp"
#include "network/data_uplink.hpp"
#include "network/join_request.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

namespace tether::network {

void shard_state::persist(device_entry& entry, std::function<void()> then) {
  entry.session.mac_state = encode_mac_state(entry.mac);
  entry.session.updated_at = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
  if (!then) {
    out.persistence.put(entry.session);
    return;
  }
  auto tracked = boost::asio::prefer(strand, boost::asio::execution::outstanding_work.tracked);
  out.persistence.put(entry.session, [tracked = std::move(tracked), then = std::move(then)]() mutable {
    boost::asio::post(tracked, std::move(then));
  });
}

void shard_state::remember_tx(std::uint64_t id, device_table::key device) {
  tx_owner[id] = std::move(device);
  tx_order.push_back(id);
  while (tx_order.size() > max_tx_waiting) {
    tx_owner.erase(tx_order.front());
    tx_order.pop_front();
  }
}

device_entry* shard_state::find_tx(std::uint64_t id) {
  auto it = tx_owner.find(id);
  return it == tx_owner.end() ? nullptr : devices.find(it->second);
}

shard::shard(std::size_t index, boost::asio::any_io_executor executor, shard_outlets outlets)
    : strand_(boost::asio::make_strand(executor)),
      state_(index, outlets, strand_),
      scheduler_(state_),
      dedup_(
          strand_, outlets.options.dedup_window, outlets.options.max_dedup_frames,
          [this](gateway_uplink merged) { process(std::move(merged)); }, outlets.options.dedup_cooldown) {}

void shard::post_uplink(gateway_uplink up) {
  boost::asio::post(strand_, [this, up = std::move(up)]() mutable { add_copy(std::move(up)); });
}

void shard::post_device(registry::end_device device, std::optional<session_record> stored,
                        std::vector<storage::downlink_item> queued) {
  boost::asio::post(strand_, [this, device = std::move(device), stored = std::move(stored),
                              queued = std::move(queued)]() mutable {
    apply_device(std::move(device), std::move(stored), std::move(queued));
  });
}

void shard::post_push(downlink_request request) {
  boost::asio::post(strand_,
                    [this, request = std::move(request)]() mutable { scheduler_.push(std::move(request)); });
}

void shard::post_tx_ack(tx_ack ack) {
  boost::asio::post(strand_, [this, ack = std::move(ack)] { scheduler_.handle_tx_ack(ack); });
}

void shard::post_remove(device_table::key id) {
  boost::asio::post(strand_, [this, id = std::move(id)] {
    if (!state_.devices.find(id)) return;
    state_.devices.remove(id);
    state_.out.persistence.remove(id.first, id.second);
  });
}

void shard::add_copy(gateway_uplink up) {
  if (state_.out.gate) state_.out.gate->leave();
  switch (dedup_.add(std::move(up))) {
    case dedup_table::outcome::opened:
      break;
    case dedup_table::outcome::merged:
      state_.out.counters.add(counter::copies_merged);
      break;
    case dedup_table::outcome::late:
      state_.out.counters.add(counter::copies_late);
      if (auto n = late_log_.due()) {
        spdlog::warn(
            "network: shard {}: {} uplink cop{} arrived after their frame was processed (copies_late: its "
            "gateway's connection is read late, the network core is behind); their metadata is lost",
            state_.index, *n, *n == 1 ? "y" : "ies");
      }
      break;
    case dedup_table::outcome::full:
      state_.out.counters.add(counter::dedup_full);
      if (auto n = dedup_full_log_.due()) {
        spdlog::warn(
            "network: shard {}: dropped {} uplink(s) since the last report: dedup_full: {} frames "
            "already waiting (the network core is behind)",
            state_.index, *n, dedup_.waiting());
      }
      break;
  }
}

void shard::process(gateway_uplink merged) {
  const auto type = lorawan::parse_mhdr(merged.raw_payload.empty() ? 0xff : merged.raw_payload[0]);
  if (type && *type == lorawan::mtype::join_request) {
    join_request(state_, std::move(merged)).run();
  } else if (type &&
             (*type == lorawan::mtype::unconfirmed_data_up || *type == lorawan::mtype::confirmed_data_up)) {
    data_uplink(state_, scheduler_, std::move(merged)).run();
  } else {
    // The server routes only joins and data uplinks here; anything else is a bug upstream.
    state_.out.counters.add(counter::unsupported_frame);
    spdlog::info("network: dropped uplink: unsupported_frame");
  }
}

void shard::apply_device(registry::end_device device, std::optional<session_record> stored,
                         std::vector<storage::downlink_item> queued) {
  auto plan = lorawan::band::find_frequency_plan(device.frequency_plan_id);
  if (!plan) {
    spdlog::warn("network: device {}/{} ignored: unknown frequency plan {}", device.application_id,
                 device.device_id, device.frequency_plan_id);
    return;
  }
  const device_table::key id{device.application_id, device.device_id};
  device_entry entry;
  if (auto* existing = state_.devices.find(id)) {
    entry = *existing;  // keep the live session and MAC state
  } else if (stored) {
    entry.session = std::move(*stored);
    entry.mac = decode_mac_state(entry.session.mac_state);
    // A counter may have gone out just before a crash without its write: never use it again.
    auto& s = entry.session;
    s.n_f_cnt_down = s.a_f_cnt_down = std::max(s.n_f_cnt_down, s.a_f_cnt_down) + f_cnt_down_restart_gap;
  } else {
    entry.session.application_id = device.application_id;
    entry.session.device_id = device.device_id;
  }
  for (auto& item : queued) insert_ordered(entry.downlinks.queue, std::move(item));
  if (device.activation == registry::activation_mode::abp && device.dev_addr && device.nwk_s_key &&
      device.app_s_key) {
    // ABP: the registry holds the session keys; the counters live on in the stored session.
    auto& s = entry.session;
    if (!s.active || s.dev_addr != *device.dev_addr) {
      s.f_cnt_up = 0;
      s.has_f_cnt_up = false;
      entry.mac.rx1_delay = plan->band->receive_delay_1;
      entry.mac.rx2_data_rate = plan->rx2_data_rate;
      entry.mac.rx2_frequency = plan->rx2_frequency;
    }
    s.active = true;
    s.dev_addr = *device.dev_addr;
    s.nwk_s_key = *device.nwk_s_key;
    s.app_s_key = *device.app_s_key;
  }
  entry.device = std::move(device);
  entry.plan = std::move(*plan);
  state_.devices.put(std::move(entry));
}

}  // namespace tether::network
