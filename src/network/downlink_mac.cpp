// MAC state on the downlink path: the device's answers applied, ADR observed and decided, and what an
// uplink's answer must carry (MAC answers first, then the requests that ride along when FOpts can take
// them) together with the bookkeeping once a gateway took that answer.

#include "network/downlink_scheduler.hpp"

#include "lorawan/mac/mac_codec.hpp"
#include "network/rx_windows.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tether::network {
namespace {

std::uint8_t desired_rx2_data_rate(const shard_state& shard, const device_entry& d) {
  return shard.out.options.rx2_data_rate.value_or(d.plan.rx2_data_rate);
}

}  // namespace

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

downlink_scheduler::class_a_plan downlink_scheduler::plan_class_a(device_entry& device,
                                                                  const uplink_done& done) {
  class_a_plan plan;
  const auto& state = device.downlinks;
  const auto& mac = device.mac;
  const bool answers = !mac.pending_answers.empty();
  const bool class_c = device.device.cls == registry::device_class::c;
  // A Class C device takes its queue outside the windows too; here only what must answer the uplink.
  plan.queue_due = !state.in_flight && (!class_c || done.confirmed) &&
                   std::any_of(state.queue.begin(), state.queue.end(),
                               [&state](const storage::downlink_item& i) { return ready(state, i); });
  const auto adr_block = adr_request(device, done, plan.adr_target);
  plan.wanted = done.confirmed || answers || done.adr_ack_req || plan.queue_due || !adr_block.empty();
  if (!plan.wanted) return plan;

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
  plan.adr_due = !adr_commands.empty() && add_if_fits(adr_commands);
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
  if (state.uplinks_since_dev_status >= dev_status_interval) {
    const lorawan::mac::downlink_command r = lorawan::mac::dev_status_req{};
    plan.dev_status_due = add_if_fits({&r, 1});
  }
  if (auto f_opts = lorawan::mac::encode_all(commands)) plan.f_opts = std::move(*f_opts);
  plan.must_send = done.confirmed || answers || done.adr_ack_req || plan.adr_due;
  return plan;
}

void downlink_scheduler::commit_mac(device_entry& device, const class_a_plan& plan) {
  device.mac.pending_answers.clear();
  if (plan.adr_due) {
    device.mac.adr.requested = plan.adr_target;
    ++device.mac.adr.unanswered;
    shard_.out.counters.add(counter::adr_requests_sent);
  }
  if (plan.dev_status_due) device.downlinks.uplinks_since_dev_status = 0;
}

}  // namespace tether::network
