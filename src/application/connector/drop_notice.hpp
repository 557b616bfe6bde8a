#pragma once
// What the Data API tells an application when the network core dropped a frame of one of its devices
// (network::drop_event): the drop reason (a counter's name, network/counters.hpp) mapped to the
// Data API's message type and text, after the error/warning messages Everynet documents
// (spec/everynet.md B2: "uplink counter not increasing (replay)" is an error, "repeated uplink
// counter" a warning, ...). One table; a reason it does not know (a counter added later) gets a
// generic error naming the reason, never a crash.

#include "application/connector/connector_config.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tether::application::connector {

struct drop_text {
  std::string_view reason;  // network::to_string(counter)
  message_type type;        // error or warning
  std::string_view text;
  bool join;  // a join-request's drop (no frame counter)
};

// The table, one row per drop reason the network core reports for a known device.
std::span<const drop_text> drop_texts();

struct drop_notice {
  message_type type = message_type::error;
  std::string message;
};

// "uplink 7 dropped: uplink counter not increasing (replay): counter behind the last accepted one".
drop_notice describe_drop(std::string_view reason, std::string_view detail, std::uint32_t f_cnt);

}  // namespace tether::application::connector
