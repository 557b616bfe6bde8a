#pragma once
// One OTAA join-request after deduplication, as named steps: parse, find the device by DevEUI, check
// the MIC with the AppKey, check the DevNonce by the device's LoRaWAN version, allocate a DevAddr,
// derive the session keys, build the join-accept, switch the device to the new session and, once that
// is on disk, hand the accept to the gateway (JOIN_ACCEPT_DELAY1, else DELAY2) and send the join
// event. Refused joins get no answer.

#include "lorawan/crypto/session_keys.hpp"
#include "lorawan/frame/frames.hpp"
#include "network/shard_state.hpp"
#include "network/try_windows.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace tether::network {

class join_request {
 public:
  join_request(shard_state& shard, gateway_uplink merged);
  void run();

 private:
  bool parse_frame();
  bool find_device();
  bool check_mic();
  bool check_dev_nonce();
  bool allocate_dev_addr();
  void derive_keys();
  struct pending_accept {
    built_frame frame;  // encrypted once, the same in every window
    const lorawan::band::band* band = nullptr;
    std::vector<candidate_window> windows;  // RX1 then RX2
  };
  std::optional<pending_accept> build_join_accept();
  void switch_session();
  void send_when_durable(pending_accept accept);
  void record_dev_nonce();
  void drop(counter reason, std::string_view detail);

  shard_state& shard_;
  gateway_uplink up_;
  lorawan::join_request frame_;
  device_entry* device_ = nullptr;
  std::uint32_t dev_addr_ = 0;
  std::uint32_t join_nonce_ = 0;
  lorawan::session_keys keys_;
  std::uint8_t rx2_data_rate_ = 0;
};

}  // namespace tether::network
