#pragma once
// The downlink path of one shard (issue #8): application downlinks into a device's durable queue,
// Class A answers after each uplink (RX1, else RX2), Class C transmissions as soon as possible, TxAcks,
// and confirmed downlinks' ACK/NACK. Every application downlink ends in down/queued or down/failed,
// and every queued one later in sent, ack, nack or failed.
//
// Frame counters: the downlink counter is assigned when a frame is built for a window, not at queue
// time (the AppSKey lives here, so nothing is encrypted ahead; a replaced or re-queued item never
// leaves a hole or a stale counter). LoRaWAN 1.0.x has one downlink counter: both n_f_cnt_down and
// a_f_cnt_down carry it. The counter's write is queued before the frame leaves; stored sessions skip
// counters ahead by `f_cnt_down_restart_gap` when loaded, so a counter used just before a crash is never
// used again with another payload.
//
// Used on the shard's strand only.

#include "network/adr.hpp"
#include "network/downlinks.hpp"
#include "network/shard_state.hpp"
#include "network/uplink_hook.hpp"

#include <chrono>
#include <cstdint>

namespace tether::network {

constexpr std::chrono::milliseconds schedule_margin{130};  // TTS: 100 ms + 30 ms queue delay
constexpr std::chrono::milliseconds class_c_delay{530};    // TTS schedule_anytime_delay
constexpr std::chrono::seconds class_c_max_wait{30};       // for the gateway's transmitter to be free
constexpr std::uint32_t max_confirmed_attempts = 8;        // TTS AS default
constexpr std::uint32_t dev_status_interval = 50;          // uplinks between DevStatusReqs
constexpr std::uint32_t f_cnt_down_restart_gap = 32;
constexpr std::chrono::seconds tx_ack_timeout{10};  // a Class C downlink without TxAck

class downlink_scheduler {
 public:
  explicit downlink_scheduler(shard_state& shard) : shard_(shard) {}

  // Validates, queues durably, then emits queued (or failed) per item; Class C devices transmit next.
  void push(downlink_request request);
  // After every accepted (or retransmitted) data uplink: ACK bookkeeping, then a Class A answer.
  void after_uplink(device_entry& device, const uplink_done& done);
  void handle_tx_ack(const tx_ack& ack);
  // Class C: transmits the head of the queue now if the device can take it.
  void try_class_c(device_entry& device);

 private:
  struct window_choice;
  bool schedule_class_a(device_entry& device, const uplink_done& done);
  // Fails (down/failed) ready items larger than every window's payload limit.
  void fail_oversized(device_entry& device, const lorawan::band::band& band,
                      const std::vector<window_choice>& windows);
  void settle_confirmed(device_entry& device, bool acked);
  void requeue(device_entry& device, storage::downlink_item item, const char* why);
  void apply_mac_answers(device_entry& device);
  void observe_adr(device_entry& device, const uplink_done& done);
  // The LinkADRReq block the device should get with this uplink's answer (empty: none); sets `target`.
  std::vector<lorawan::mac::link_adr_req> adr_request(device_entry& device, const uplink_done& done,
                                                      adr_settings& target);
  void emit(const device_entry& device, downlink_outcome outcome, const storage::downlink_item& item,
            std::optional<downlink_error> error = std::nullopt, std::uint32_t f_cnt = 0);
  void emit_failed(const downlink_request& request, const application_downlink& d, std::string name,
                   std::string message);
  void remove_stored(const device_entry& device, std::uint64_t seq);
  std::uint32_t next_f_cnt_down(device_entry& device);

  shard_state& shard_;
};

application_downlink to_application_downlink(const storage::downlink_item& item);

}  // namespace tether::network
