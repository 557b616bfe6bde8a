#pragma once
// What the simulator needs from the application realm's JSON events (spec/tts-v3.md §3.3): which
// device, which event, and for an uplink its FCnt, FPort and decrypted payload. Zero values are
// omitted by the server, so an absent f_cnt is 0. Pure.

#include "lorawan/types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tether::sim {

enum class event_kind { join, uplink };

struct application_event {
  event_kind kind = event_kind::uplink;
  std::string device_id;
  std::uint32_t f_cnt = 0;
  std::uint32_t f_port = 0;
  lorawan::bytes frm_payload;
};

// nullopt when the topic is not `v3/{app}/devices/{dev}/{join|up}` or the JSON does not fit it.
std::optional<application_event> parse_application_event(std::string_view topic, std::string_view json);

}  // namespace tether::sim
