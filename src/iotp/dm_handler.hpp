#pragma once
// A device → server request of the Device Management Protocol (spec A3) carried out against the
// registry: parse, store, and the rc to answer with on iotdm-1/response. What the action engine needs
// to hear of (a manage, a notify of mgmt.firmware) comes back in the outcome.

#include "iotp/dm_messages.hpp"
#include "iotp/dm_store.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace tether::iotp {

struct dm_handler_options {
  std::int64_t min_lifetime = 3600;  // A3
};

// Who sent it: the device the topic names, and the gateway client speaking for it (empty: itself).
struct dm_sender {
  device_ref device;
  std::string via;
};

struct dm_outcome {
  int rc = dm_rc::ok;
  std::string message;
  std::optional<std::string> req_id;
  bool respond = true;                   // false: the request had no reqId, or was the device's own response
  bool managed = false;                  // a manage was stored
  std::vector<nlohmann::json> firmware;  // mgmt.firmware values a notify reported
  std::optional<dm_device_response> device_response;
  std::size_t trimmed = 0;  // old error codes or logs dropped to stay within the bounds
};

dm_outcome handle_dm_request(dm_store& store, const dm_handler_options& options, const dm_sender& sender,
                             dm_operation op, std::string_view payload,
                             std::chrono::system_clock::time_point now);

}  // namespace tether::iotp
