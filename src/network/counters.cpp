#include "network/counters.hpp"

namespace tether::network {

std::string_view to_string(counter c) noexcept {
  switch (c) {
    case counter::copies_received:
      return "copies_received";
    case counter::copies_merged:
      return "copies_merged";
    case counter::copies_late:
      return "copies_late";
    case counter::uplinks_delivered:
      return "uplinks_delivered";
    case counter::joins_accepted:
      return "joins_accepted";
    case counter::mac_answers_queued:
      return "mac_answers_queued";
    case counter::reads_paused:
      return "reads_paused";
    case counter::invalid_frame:
      return "invalid_frame";
    case counter::unsupported_frame:
      return "unsupported_frame";
    case counter::dedup_full:
      return "dedup_full";
    case counter::overload_shed:
      return "overload_shed";
    case counter::unknown_dev_addr:
      return "unknown_dev_addr";
    case counter::mic_failed:
      return "mic_failed";
    case counter::replay:
      return "replay";
    case counter::fcnt_gap:
      return "fcnt_gap";
    case counter::retransmission:
      return "retransmission";
    case counter::unknown_dev_eui:
      return "unknown_dev_eui";
    case counter::join_mic_failed:
      return "join_mic_failed";
    case counter::dev_nonce_reused:
      return "dev_nonce_reused";
    case counter::no_dev_addr:
      return "no_dev_addr";
    case counter::join_not_scheduled:
      return "join_not_scheduled";
    case counter::downlinks_queued:
      return "downlinks_queued";
    case counter::downlinks_rejected:
      return "downlinks_rejected";
    case counter::downlinks_scheduled:
      return "downlinks_scheduled";
    case counter::downlinks_sent:
      return "downlinks_sent";
    case counter::downlinks_tx_failed:
      return "downlinks_tx_failed";
    case counter::downlinks_acked:
      return "downlinks_acked";
    case counter::downlinks_nacked:
      return "downlinks_nacked";
    case counter::downlinks_given_up:
      return "downlinks_given_up";
    case counter::bound_window_missed:
      return "bound_window_missed";
    case counter::downlink_too_late:
      return "downlink_too_late";
    case counter::downlink_gateway_busy:
      return "downlink_gateway_busy";
    case counter::downlink_duty_cycle:
      return "downlink_duty_cycle";
    case counter::downlink_refused:
      return "downlink_refused";
    case counter::downlink_refused_frame:
      return "downlink_refused_frame";
    case counter::downlink_not_scheduled:
      return "downlink_not_scheduled";
    case counter::tx_ack_unmatched:
      return "tx_ack_unmatched";
    case counter::adr_requests_sent:
      return "adr_requests_sent";
    case counter::adr_accepted:
      return "adr_accepted";
    case counter::adr_refused:
      return "adr_refused";
    case counter::count_:
      break;
  }
  return "unknown";
}

}  // namespace tether::network
