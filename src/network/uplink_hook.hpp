#pragma once
// The seam between the uplink path and the downlink scheduler (issue #8): after every accepted data
// uplink the shard calls the hook with what a Class A answer needs. Runs on the device's shard, with
// the session state current; the hook must not block.

#include "network/events.hpp"
#include "network/mac_state.hpp"
#include "network/radio.hpp"

#include <cstdint>

namespace tether::network {

struct uplink_done {
  const device_ids& ids;
  std::uint32_t f_cnt = 0;
  bool confirmed = false;    // the device expects an ACK
  bool adr_ack_req = false;  // the device expects some downlink soon
  bool adr = false;          // the device lets the network steer its data rate and power
  bool retransmission = false;
  bool ack = false;               // the device acknowledged the last confirmed downlink
  const network::mac_state& mac;  // pending_answers: what the next downlink should carry
  const gateway_uplink& uplink;   // merged, rx_metadata best first
};

class uplink_hook {
 public:
  virtual ~uplink_hook() = default;
  virtual void after_uplink(const uplink_done& done) = 0;
};

}  // namespace tether::network
