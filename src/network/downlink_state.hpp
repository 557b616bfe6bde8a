#pragma once
// What one device's downlink path holds between frames: its queue (mirrored from the durable
// storage::downlink_queue_store, ordered highest priority first, then by arrival), the downlink a
// gateway is about to transmit (waiting for its TxAck), the confirmed downlink waiting for the
// device's ACK, the gateway that last heard the device (Class C), and the receive windows of its last
// uplink that a downlink bound to them (application_downlink::answers) may still use. Touched on the
// shard's strand.

#include "network/candidate_window.hpp"
#include "network/radio.hpp"
#include "storage/downlink_queue_store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace tether::network {

// Where a Class C downlink can go: the gateway that last heard the device and its clock then.
struct heard_path {
  std::string gateway_id;
  bytes uplink_token;
  std::uint32_t antenna_index = 0;
  std::uint32_t timestamp = 0;  // concentrator µs at the uplink's RX end
  time_point received_at{};     // server time of that uplink
};

// A downlink handed to a gateway. `item` is empty for a MAC-only (or ACK-only) frame.
struct transmission {
  std::uint64_t tx_id = 0;
  std::optional<storage::downlink_item> item;
  std::uint32_t f_cnt = 0;
  time_point at{};        // when it was handed over
  bool replaced = false;  // a down/replace removed the item from the queue while it was on its way
  bool bound = false;     // answers one uplink's windows: not in the durable queue, never retried
};

// The Class A windows of the device's last uplink, kept after its answer so that a downlink bound to
// them (a Data API downlink_response) can still go in the ones ahead. `used`: a frame went in them
// already (the ACK, MAC answers or a queued item), so a bound downlink has missed them.
struct open_windows {
  std::uint32_t uplink_f_cnt = 0;
  std::vector<candidate_window> windows;     // RX1 through each gateway (best first), then RX2
  std::vector<std::string> correlation_ids;  // the uplink's
  bool ack = false;  // the uplink was confirmed (its ACK rides in whatever goes in these windows)
  bool used = false;
};

struct downlink_state {
  std::vector<storage::downlink_item> queue;  // highest priority first, then seq
  // Seqs of queued items whose write is not on disk yet: not transmitted before their down/queued.
  std::unordered_set<std::uint64_t> not_durable;
  std::optional<transmission> in_flight;  // an item's frame waiting for the gateway's TxAck
  // A frame carrying no item (ACK, MAC answers) waiting for its TxAck: it blocks nothing.
  std::optional<std::uint64_t> mac_only_tx;
  std::optional<transmission> awaiting_ack;  // confirmed, transmitted, waiting for the device's ACK
  std::optional<heard_path> last_heard;
  std::optional<open_windows> open;            // none before the first uplink (or after a restart)
  std::uint32_t uplinks_since_dev_status = 0;  // DevStatusReq rides along every dev_status_interval
};

// Whether the item may be transmitted: on disk and announced.
inline bool ready(const downlink_state& state, const storage::downlink_item& item) {
  return !state.not_durable.contains(item.seq);
}

// Inserts keeping the order: priority (highest first), then seq.
void insert_ordered(std::vector<storage::downlink_item>& queue, storage::downlink_item item);

}  // namespace tether::network
