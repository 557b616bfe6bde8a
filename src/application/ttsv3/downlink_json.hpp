#pragma once
// Downlinks as applications push them to The Things Stack (spec/tts-v3.md §3.4):
// `{"downlinks":[{"f_port":1,"frm_payload":"AQI=","priority":"NORMAL","confirmed":true,
// "correlation_ids":["my-id"]}]}` (the events that tell what became of each are in event_json). Like The
// Things Stack's MQTT path, unknown keys are ignored and both `f_port` and `fPort` spellings and both
// base64 alphabets are accepted; unlike it, an invalid item is answered with down/failed, never
// dropped silently.

#include "network/downlinks.hpp"

#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tether::application::ttsv3 {

struct parsed_downlinks {
  std::vector<network::application_downlink> valid;
  // Items that cannot be queued, with the reason (they still get a down/failed event).
  std::vector<std::pair<network::application_downlink, network::downlink_error>> rejected;
};

// The whole body; an error (not JSON, no `downlinks` list) when nothing in it can be read.
boost::system::result<parsed_downlinks, std::string> parse_downlinks(std::string_view body);

}  // namespace tether::application::ttsv3
