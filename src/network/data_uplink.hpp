#pragma once
// One data uplink after deduplication, as named steps over one context (ChirpStack's uplink/data.rs):
// parse, find the session (DevAddr candidates told apart by MIC), check the frame counter, decrypt,
// handle MAC commands, update the session, send the event, call the downlink hook. A frame that fails
// a step is counted and logged with its reason and goes no further.

#include "lorawan/frame/frames.hpp"
#include "network/downlink_scheduler.hpp"
#include "network/shard_state.hpp"

#include <cstdint>
#include <optional>

namespace tether::network {

class data_uplink {
 public:
  data_uplink(shard_state& shard, downlink_scheduler& scheduler, gateway_uplink merged);
  void run();

 private:
  bool parse_frame();
  bool find_session();
  void decrypt();
  void handle_mac_commands();
  // Persists the session; the event (if any) leaves once the write is durable, so that a frame
  // delivered to applications cannot be accepted again after a crash.
  void update_session(std::optional<uplink_event> event);
  uplink_event make_event();
  std::optional<answer_windows> answer_windows_of(std::uint8_t uplink_dr) const;
  void call_hook();
  void drop(counter reason, std::string_view detail);

  shard_state& shard_;
  downlink_scheduler& scheduler_;
  gateway_uplink up_;
  lorawan::data_frame frame_;
  device_entry* device_ = nullptr;
  std::uint32_t f_cnt_ = 0;
  bool retransmission_ = false;
  bool previous_ = false;  // the frame belongs to the session before the last join
  bytes payload_;          // decrypted FRMPayload
};

}  // namespace tether::network
