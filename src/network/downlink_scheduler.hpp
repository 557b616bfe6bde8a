#pragma once
// The downlink path of one shard (issue #8): application downlinks into a device's durable queue,
// Class A answers after each uplink (RX1, else RX2), Class C transmissions as soon as possible, TxAcks,
// and confirmed downlinks' ACK/NACK. Every application downlink ends in down/queued or down/failed. A
// gateway whose protocol never acknowledges transmissions (send_result::sent: TTN v2, Semtech UDP
// without TX_ACK) counts as a TxAck success at once, through the same step, as The Things Stack does.
//
// Frame counters: the downlink counter is assigned when a frame is built for a window, not at queue
// time (the AppSKey lives here, so nothing is encrypted ahead; a replaced or re-queued item never
// leaves a hole or a stale counter). LoRaWAN 1.0.x has one downlink counter: both n_f_cnt_down and
// a_f_cnt_down carry it. The counter's write is queued before the frame leaves; stored sessions skip
// counters ahead by `f_cnt_down_restart_gap` when loaded, so a counter used just before a crash is never
// used again with another payload.
//
// Every item that reaches down/queued ends in exactly one final event: `sent` (unconfirmed), `ack`
// (confirmed), or `failed` (given up, refused by the gateway for good — by TxAck, or at once when its
// frame is one the gateway can never take and the frame that went, if any, does not carry it —, too
// large for every window, or
// replaced by a down/replace before it reached a gateway). A `nack` or a retryable TxAck error is
// followed by another attempt. A frame handed to a gateway keeps its path to that final event even when
// the queue is replaced meanwhile, and a window taken by an ACK or MAC answer alone leaves the queue as
// it was. Items stay in the durable queue until their final event: after a restart, one that was in
// flight or waiting for its ACK is queued again (at least once).
//
// Bound downlinks (application_downlink::answers, the Data API's downlink_response): a downlink that
// answers one uplink goes in that uplink's windows or not at all. It never enters the queue, the
// durable store or the ordinary paths: after each uplink's Class A step the device's windows are kept
// (downlink_state::open) unless a frame went in them, and a bound downlink is sent at once, when it is
// pushed, in the first of them still ahead (RX1 through each gateway, then RX2, each at least
// schedule_margin ahead and booked on the gateway's transmitter). It fails with `window_missed` when
// the deadline passed, the device sent another uplink meanwhile, a frame (the ACK of a confirmed
// uplink, MAC answers, a queued item) already went in those windows, or no window ahead takes it. It is
// announced down/queued only once a gateway took it; its events then follow the ordinary path (sent,
// or ack for a confirmed one), except that it is never retried: a retryable TxAck error or a NACK ends
// it with down/failed. It is not kept across a restart (its windows would be gone anyway), and a
// down/replace has no bound item to drop: one handed to a gateway keeps its path to its final event.
//
// Confirmed uplinks: the core ACKs them in their own windows at once, as before, so a downlink_response
// to a confirmed uplink (or to one whose answer carried MAC commands) fails with window_missed and names
// the reason (the application's error message says which). Holding the ACK back until the
// application answered (as Everynet does) is not done: it would cost every device the ACK whenever the
// application is slow.
//
// Code: queue and push here; bound downlinks in downlink_bound.cpp; MAC answers and requests in
// downlink_mac.cpp; Class A windows in downlink_class_a.cpp; Class C in downlink_class_c.cpp; TxAcks and
// outcomes in downlink_outcome.cpp.
//
// Used on the shard's strand only.

#include "network/adr.hpp"
#include "network/downlinks.hpp"
#include "network/shard_state.hpp"
#include "network/try_windows.hpp"
#include "network/uplink_hook.hpp"

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace tether::network {

constexpr std::chrono::milliseconds class_c_delay{530};  // TTS schedule_anytime_delay
constexpr std::chrono::seconds class_c_max_wait{30};     // for the gateway's transmitter to be free
constexpr std::uint32_t max_confirmed_attempts = 8;      // TTS AS default
constexpr std::uint32_t dev_status_interval = 50;        // uplinks between DevStatusReqs
constexpr std::uint32_t f_cnt_down_restart_gap = 32;
constexpr std::chrono::seconds tx_ack_timeout{10};  // then a frame whose TxAck never came counts as sent

class downlink_scheduler {
 public:
  explicit downlink_scheduler(shard_state& shard) : shard_(shard) {}

  // Validates, queues durably, then emits queued (or failed) per item; Class C devices transmit next.
  void push(downlink_request request);
  // After every accepted (or retransmitted) data uplink: ACK bookkeeping, then a Class A answer.
  void after_uplink(device_entry& device, const uplink_done& done);
  void handle_tx_ack(const tx_ack& ack);
  // Class C: transmits the head of the queue now if the device can take it (and, while the gateway
  // reports frames sent at once, the items after it).
  void try_class_c(device_entry& device);

 private:
  // What the answer to one uplink carries besides a queued item.
  struct class_a_plan {
    bool wanted = false;     // anything to do at all
    bool queue_due = false;  // queued items may ride in this answer
    bool must_send = false;  // a frame goes even without an item (ACK, MAC answers, ADR)
    bytes f_opts;
    bool adr_due = false;
    adr_settings adr_target;
    bool dev_status_due = false;
  };

  // Bound downlinks (downlink_bound.cpp)
  void push_bound(device_entry& device, const downlink_request& request);
  // After the Class A step of `done`: its windows stay open for bound downlinks unless `sent`.
  void keep_windows_open(device_entry& device, const uplink_done& done, bool sent);
  void send_bound(device_entry& device, storage::downlink_item item, const window_binding& binding);
  // Why a bound downlink cannot go in the device's open windows, if anything stops it before trying.
  std::optional<std::string> bound_obstacle(const device_entry& device, const window_binding& binding) const;
  void miss_window(device_entry& device, const storage::downlink_item& item, std::string name,
                   std::string message);

  // Queue (downlink_scheduler.cpp)
  std::vector<storage::downlink_item> validate(const downlink_request& request, const device_entry& device,
                                               std::vector<application_downlink>& accepted);
  void apply_stored(device_entry& device, const downlink_request& request,
                    const storage::downlink_queue_store::queued& stored);
  void when_durable(const device_table::key& id, storage::downlink_queue_store::queued stored);
  void drop_replaced(device_entry& device);
  void emit(const device_entry& device, downlink_outcome outcome, const storage::downlink_item& item,
            std::optional<downlink_error> error = std::nullopt, std::uint32_t f_cnt = 0);
  void emit_failed(const downlink_request& request, const application_downlink& d, std::string name,
                   std::string message);
  void emit_replaced(const device_entry& device, const storage::downlink_item& item, std::uint32_t f_cnt = 0);
  void remove_stored(const device_entry& device, std::uint64_t seq);
  void requeue(device_entry& device, storage::downlink_item item, const char* why);
  std::uint32_t next_f_cnt_down(device_entry& device);

  // MAC state (downlink_mac.cpp)
  void apply_mac_answers(device_entry& device);
  void observe_adr(device_entry& device, const uplink_done& done);
  // The LinkADRReq block the device should get with this uplink's answer (empty: none); sets `target`.
  std::vector<lorawan::mac::link_adr_req> adr_request(device_entry& device, const uplink_done& done,
                                                      adr_settings& target);
  // What the answer to `done` must carry: MAC answers first, then requests that ride along if they fit.
  class_a_plan plan_class_a(device_entry& device, const uplink_done& done);
  void commit_mac(device_entry& device, const class_a_plan& plan);

  // Class A (downlink_class_a.cpp)
  bool schedule_class_a(device_entry& device, const uplink_done& done);
  std::vector<candidate_window> class_a_windows(const device_entry& device, const uplink_done& done,
                                                const std::vector<const rx_metadata*>& paths) const;
  // Fails (down/failed) ready items larger than every window's payload limit.
  void fail_oversized(device_entry& device, const lorawan::band::band& band,
                      const std::vector<candidate_window>& windows);

  // What became of a frame (downlink_outcome.cpp)
  // A gateway refused the frame carrying queued item `seq` for good, and no frame that went carries it:
  // down/failed with the gateway's reason (waiting would offer it to the same gateway again).
  void fail_refused(device_entry& device, std::uint64_t seq, const send_refusal& why);
  // A gateway took the frame: waits for its TxAck, or counts as transmitted at once (`sent`).
  void hand_over(device_entry& device, const sent_window& s, std::optional<storage::downlink_item> item,
                 std::uint32_t f_cnt, bool bound = false);
  // The one path of a transmitted frame (TxAck success, a gateway without TxAcks, a TxAck that never
  // came): down/sent, then a confirmed item waits for the device's ACK, an unconfirmed one leaves the
  // store.
  void transmitted(device_entry& device, transmission t);
  void tx_failed(device_entry& device, transmission t, const tx_ack& ack);
  // A frame whose TxAck is overdue (or that the device's uplink proves transmitted) counts as sent.
  void conclude_in_flight(device_entry& device, bool device_answered);
  void settle_confirmed(device_entry& device, bool acked);

  shard_state& shard_;
  // Bound items are numbered from the top, apart from the store's seqs (which count up from 1).
  std::uint64_t next_bound_seq_ = std::numeric_limits<std::uint64_t>::max();
};

application_downlink to_application_downlink(const storage::downlink_item& item);

}  // namespace tether::network
