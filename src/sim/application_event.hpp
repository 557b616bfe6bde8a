#pragma once
// What the simulator needs from the application realm's JSON events (spec/tts-v3.md §3.3): which
// device, which event, for an uplink its FCnt, FPort and decrypted payload, and for a downlink event
// (down/queued, sent, ack, nack, failed) its correlation IDs and, when failed, the error's name. Zero
// values are omitted by the server, so an absent f_cnt is 0. Pure.

#include "lorawan/types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::sim {

enum class event_kind { join, uplink, down_queued, down_sent, down_ack, down_nack, down_failed };

struct application_event {
  event_kind kind = event_kind::uplink;
  std::string device_id;
  std::uint32_t f_cnt = 0;
  std::uint32_t f_port = 0;
  lorawan::bytes frm_payload;
  std::vector<std::string> correlation_ids;  // downlink events
  std::string error;                         // down/failed: the error's name
};

// nullopt when the topic is not `v3/{app}/devices/{dev}/{join|up|down/...}` or the JSON does not fit it.
std::optional<application_event> parse_application_event(std::string_view topic, std::string_view json);

}  // namespace tether::sim
