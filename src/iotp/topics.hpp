#pragma once
// The topic namespace of the IoT platform (spec A2/A4) and who may use which part of it: pure
// functions over the topic a client sends, fuzzed by tests/fuzz/iotp_ids_fuzz.cpp. Whether a gateway
// may act for the device a topic names needs the registry and is the realm's to decide; these rules
// only say which topic shapes each client class may publish to or subscribe to.
//
// Wildcards: `+` where A2 allows it (any of a topic's type, device, event/command and format levels
// for applications and gateways' command filters, the command and format for devices); `#` only in
// filters under `iotdm-1/` (the managed devices of IBM's SDK subscribe to `iotdm-1/mgmt/custom/#`).

#include "iotp/client_id.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace tether::iotp {

enum class topic_kind : std::uint8_t {
  event,        // iot-2/type/T/id/D/evt/E/fmt/F
  command,      // iot-2/type/T/id/D/cmd/C/fmt/F
  device_mon,   // iot-2/type/T/id/D/mon
  notify,       // iot-2/type/T/id/D/notify
  app_mon,      // iot-2/app/A/mon
  extra,        // iot-2/type/T/id/D/err/data, .../intf/I/evt/state, iot-2/thing/...: read by apps only
  dm_request,   // iotdm-1/type/T/id/D/... (the server's side of device management)
  dm_response,  // iotdevice-1/type/T/id/D/... (the device's side)
};

// A topic in its full form; views into the topic it was parsed from.
struct topic_parts {
  topic_kind kind = topic_kind::event;
  std::string_view type;    // device type ("+" in a filter), empty for app_mon and thing topics
  std::string_view id;      // device ID, or the app ID of app_mon
  std::string_view name;    // event or command ID
  std::string_view format;  // evt/cmd format
  std::string_view rest;    // dm topics: what follows `.../id/D/`
};

// Parses a full-form topic (`filter`: a subscription filter, where `+` may stand for a level and `#`
// may end an iotdm-1 filter). Nullopt when the topic is none of A2's forms.
std::optional<topic_parts> parse_topic(std::string_view topic, bool filter);

// A device's short topics: `iot-2/evt/E/fmt/F`, `iot-2/cmd/C/fmt/F`, `iotdm-1/...`, `iotdevice-1/...`
// become the full form naming the device itself (`type`, `id` left empty: the caller knows them).
std::optional<topic_parts> parse_device_topic(std::string_view topic, bool filter);

enum class topic_verdict : std::uint8_t {
  allowed,
  invalid_topic,   // none of the platform's topics (close code 276, notify RC 400)
  not_authorized,  // a topic of the platform this class may not use this way (close code 180, RC 403)
};

struct topic_decision {
  topic_verdict verdict = topic_verdict::invalid_topic;
  topic_parts parts;
  // A gateway: the device the topic names must be one it may act for (the realm asks the registry).
  bool names_device = false;
};

// What `who` may do with `topic` as it sent it (a device's short forms included).
topic_decision decide_publish(const client_identity& who, std::string_view topic);
topic_decision decide_subscribe(const client_identity& who, std::string_view filter);

}  // namespace tether::iotp
