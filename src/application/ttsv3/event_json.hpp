#pragma once
// Application events as The Things Stack's MQTT integration writes them (spec/tts-v3.md §3.3):
// ApplicationUp JSON with snake_case proto names, zero values omitted, EUIs and DevAddr in upper-case
// hex, bytes in base64, 64-bit integers quoted, enums by name, timestamps RFC 3339, durations "1.5s".
// `rx_metadata` and `settings` are written by gateway/radio_json, the same writer `tether gateway show`
// uses, so both print a radio struct identically.

#include "network/downlinks.hpp"
#include "network/events.hpp"

#include <string>
#include <string_view>

namespace tether::application::ttsv3 {

// `v3/{app}/devices/{dev}/join`
std::string render_join(const network::join_event& event);
// `v3/{app}/devices/{dev}/up`
std::string render_uplink(const network::uplink_event& event);
// `v3/{app}/devices/{dev}/down/{queued,sent,ack,nack,failed}`: the suffix and the JSON.
std::string_view downlink_event_suffix(network::downlink_outcome outcome);
std::string render_downlink_event(const network::downlink_event& event);
// A dropped frame of the device (Tether's own; TTS shows these as events, not on MQTT): the usual
// envelope, then "drop": {reason, detail, f_cnt, rx_metadata}.
std::string render_drop(const network::drop_event& event);

}  // namespace tether::application::ttsv3
