#pragma once
// Counters of the network core: what was received, delivered, and every reason a frame was dropped.
// Shards add from their own threads; any thread may read a snapshot.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tether::network {

enum class counter : std::uint8_t {
  copies_received,     // gateway_uplinks handed in (one per gateway copy)
  copies_merged,       // copies folded into a frame already in the dedup window
  copies_late,         // copies that reached the server within the window but their shard after it closed
  uplinks_delivered,   // uplink_events emitted
  joins_accepted,      // join-accepts handed to the downlink path
  mac_answers_queued,  // MAC answers waiting for the downlink path
  reads_paused,        // times a gateway connection stopped reading: the shards were behind (load_gate)
  // Drop reasons: each one is logged with the frame's identifiers.
  invalid_frame,       // does not parse
  unsupported_frame,   // join-accept, downlink or proprietary frame received as an uplink
  dedup_full,          // too many frames in the dedup window at once (the newest is shed)
  overload_shed,       // a copy refused on arrival: the shards were at their shed mark (the newest is shed)
  unknown_dev_addr,    // no session with that DevAddr
  mic_failed,          // sessions with that DevAddr exist but none verifies the MIC
  replay,              // MIC verifies with an older counter
  fcnt_gap,            // MIC verifies but the counter jumped beyond the gap rule
  retransmission,      // the counter equals the last accepted one (already delivered)
  unknown_dev_eui,     // join-request from a device not registered for OTAA
  join_mic_failed,     // join-request MIC does not verify with the AppKey
  dev_nonce_reused,    // DevNonce seen before (1.0.0-1.0.3) or not increasing (1.0.4)
  no_dev_addr,         // could not allocate a DevAddr
  join_not_scheduled,  // no gateway took the join-accept (RX1 and RX2 refused)
  // Downlink path (downlink_scheduler.hpp).
  downlinks_queued,        // application downlinks accepted into a queue (durable)
  downlinks_rejected,      // application downlinks refused at push (each with a down/failed event)
  downlinks_scheduled,     // frames handed to a gateway (data, ACK-only or MAC-only)
  downlinks_sent,          // TxAcks with success
  downlinks_tx_failed,     // TxAcks with an error
  downlinks_acked,         // confirmed downlinks the device acknowledged
  downlinks_nacked,        // confirmed downlinks the next uplink did not acknowledge
  downlinks_given_up,      // application downlinks failed for good after retries
  bound_window_missed,     // downlinks bound to an uplink's windows that missed them (down/failed)
  downlink_too_late,       // a window skipped: less than 130 ms ahead
  downlink_duty_cycle,     // a window skipped: the gateway's sub-band is out of duty cycle
  downlink_gateway_busy,   // a window skipped: the gateway transmits another frame then
  downlink_refused,        // a window skipped: the gateway is not connected
  downlink_refused_frame,  // a window skipped: the gateway can never take that frame (too large, ...)
  downlink_not_scheduled,  // something was due and no window took it (it stays queued; an ACK is lost)
  tx_ack_unmatched,        // a TxAck that matches no downlink waiting for one
  adr_requests_sent,       // downlinks carrying a LinkADRReq block
  adr_accepted,            // LinkADRAns acknowledging every field
  adr_refused,             // LinkADRAns refusing a field (the device keeps its settings)
  count_,
};

std::string_view to_string(counter c) noexcept;

constexpr std::size_t counter_count = static_cast<std::size_t>(counter::count_);

// A copy of all counters at one moment.
struct server_stats {
  std::array<std::uint64_t, counter_count> values{};
  std::uint64_t operator[](counter c) const { return values[static_cast<std::size_t>(c)]; }
};

class counter_set {
 public:
  void add(counter c, std::uint64_t n = 1) noexcept {
    values_[static_cast<std::size_t>(c)].fetch_add(n, std::memory_order_relaxed);
  }
  server_stats snapshot() const noexcept {
    server_stats s;
    for (std::size_t i = 0; i < counter_count; ++i) s.values[i] = values_[i].load(std::memory_order_relaxed);
    return s;
  }

 private:
  std::array<std::atomic<std::uint64_t>, counter_count> values_{};
};

}  // namespace tether::network
