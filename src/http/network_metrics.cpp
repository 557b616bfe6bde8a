// The network core's counters (network/counters.hpp) as metric families: each counter belongs to one
// family, as its `outcome` or `reason` label or alone. A counter this table does not know yet (one
// added to the core later) still appears, in tether_lorawan_other_total{counter="<name>"}.

#include "http/exposition.hpp"
#include "http/tether_metrics.hpp"
#include "network/server.hpp"

#include <array>
#include <utility>
#include <vector>

namespace tether::http {
namespace {

using network::counter;

struct family_def {
  std::string_view name;
  std::string_view help;
  std::string_view label;  // empty: one sample without a label
};

enum family_id : std::uint8_t {
  copies_received,
  copies_merged,
  copies_late,
  uplinks,
  joins,
  frames_dropped,
  downlinks,
  windows_skipped,
  downlinks_not_scheduled,
  tx_acks_unmatched,
  mac_answers,
  reads_paused,
  adr,
  family_count,
};

const std::array<family_def, family_count> families{{
    {"tether_lorawan_uplink_copies_received_total", "Uplink copies handed in by gateways (one per gateway)",
     ""},
    {"tether_lorawan_uplink_copies_merged_total",
     "Uplink copies folded into a frame already in the dedup window", ""},
    {"tether_lorawan_uplink_copies_late_total",
     "Uplink copies that reached the server within the dedup window but their shard only after the frame "
     "was processed (their metadata is lost; the core was behind)",
     ""},
    {"tether_lorawan_uplinks_total", "Uplinks by outcome", "outcome"},
    {"tether_lorawan_joins_total", "Join-requests by outcome", "outcome"},
    {"tether_lorawan_frames_dropped_total", "Uplink frames and join-requests dropped, by reason", "reason"},
    {"tether_lorawan_downlinks_total", "Downlinks by outcome", "outcome"},
    {"tether_lorawan_downlink_windows_skipped_total", "Receive windows skipped for a downlink, by reason",
     "reason"},
    {"tether_lorawan_downlinks_not_scheduled_total",
     "Times a downlink was due and no window took it (it stays queued)", ""},
    {"tether_lorawan_tx_acks_unmatched_total", "TxAcks that match no downlink waiting for one", ""},
    {"tether_lorawan_mac_answers_queued_total", "MAC answers queued for the downlink path", ""},
    {"tether_lorawan_gateway_reads_paused_total",
     "Times a gateway connection stopped reading because the network core was behind (back-pressure)", ""},
    {"tether_lorawan_adr_total", "Adaptive data rate: LinkADRReq sent, answers accepted or refused",
     "outcome"},
}};

struct member {
  counter which;
  family_id family;
  std::string_view value;  // the label's value; empty: the counter's own name
};

const std::array<member, 40> members{{
    {counter::copies_received, copies_received, ""},
    {counter::copies_merged, copies_merged, ""},
    {counter::copies_late, copies_late, ""},
    {counter::uplinks_delivered, uplinks, "delivered"},
    {counter::joins_accepted, joins, "accepted"},
    {counter::mac_answers_queued, mac_answers, ""},
    {counter::reads_paused, reads_paused, ""},
    {counter::invalid_frame, frames_dropped, ""},
    {counter::unsupported_frame, frames_dropped, ""},
    {counter::dedup_full, frames_dropped, ""},
    {counter::overload_shed, frames_dropped, ""},
    {counter::unknown_dev_addr, frames_dropped, ""},
    {counter::mic_failed, frames_dropped, ""},
    {counter::replay, frames_dropped, ""},
    {counter::fcnt_gap, frames_dropped, ""},
    {counter::retransmission, frames_dropped, ""},
    {counter::unknown_dev_eui, frames_dropped, ""},
    {counter::join_mic_failed, frames_dropped, ""},
    {counter::dev_nonce_reused, frames_dropped, ""},
    {counter::no_dev_addr, frames_dropped, ""},
    {counter::join_not_scheduled, frames_dropped, ""},
    {counter::downlinks_queued, downlinks, "queued"},
    {counter::downlinks_rejected, downlinks, "rejected"},
    {counter::downlinks_scheduled, downlinks, "scheduled"},
    {counter::downlinks_sent, downlinks, "sent"},
    {counter::downlinks_tx_failed, downlinks, "tx_failed"},
    {counter::downlinks_acked, downlinks, "acked"},
    {counter::downlinks_nacked, downlinks, "nacked"},
    {counter::downlinks_given_up, downlinks, "given_up"},
    {counter::bound_window_missed, downlinks, "window_missed"},
    {counter::downlink_too_late, windows_skipped, "too_late"},
    {counter::downlink_duty_cycle, windows_skipped, "duty_cycle"},
    {counter::downlink_gateway_busy, windows_skipped, "gateway_busy"},
    {counter::downlink_refused, windows_skipped, "gateway_not_connected"},
    {counter::downlink_refused_frame, windows_skipped, "gateway_refused"},
    {counter::downlink_not_scheduled, downlinks_not_scheduled, ""},
    {counter::tx_ack_unmatched, tx_acks_unmatched, ""},
    {counter::adr_requests_sent, adr, "requested"},
    {counter::adr_accepted, adr, "accepted"},
    {counter::adr_refused, adr, "refused"},
}};

}  // namespace

void write_network_metrics(exposition& out, const network::server& network) {
  const auto stats = network.stats();
  for (std::size_t f = 0; f < families.size(); ++f) {
    const auto& def = families[f];
    out.family(def.name, metric_type::counter, def.help);
    for (const auto& m : members) {
      if (m.family != f) continue;
      if (def.label.empty()) {
        out.sample(def.name, {}, stats[m.which]);
      } else {
        const auto value = m.value.empty() ? network::to_string(m.which) : m.value;
        out.sample(def.name, {{def.label, value}}, stats[m.which]);
      }
    }
  }
  std::array<bool, network::counter_count> known{};
  for (const auto& m : members) known[static_cast<std::size_t>(m.which)] = true;
  bool opened = false;
  for (std::size_t i = 0; i < network::counter_count; ++i) {
    if (known[i]) continue;
    if (!std::exchange(opened, true)) {
      out.family("tether_lorawan_other_total", metric_type::counter, "Other counters of the network core");
    }
    const auto c = static_cast<counter>(i);
    out.sample("tether_lorawan_other_total", {{"counter", network::to_string(c)}}, stats[c]);
  }
}

}  // namespace tether::http
