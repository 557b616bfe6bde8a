#pragma once
// One server → device request of the Device Management Protocol (spec A3) as a state machine without
// I/O: it says what to publish under `iotdm-1/type/T/id/D/` and how the request's durable row changes
// as the device answers. The steps, each message carrying the reqId "{request ID}-{step}":
//   reboot, factory reset: 0 initiate (202 expected) → 1 in progress until the device manages again.
//   custom: 0 mgmt/custom/BUNDLE/ACTION with the parameters as `d` (200 expected).
//   firmware download/update: 0 device/update with the full mgmt.firmware (IBM's SDK needs it first;
//   200 or 204) → 1 observe mgmt.firmware (200) → 2 initiate (202; a device not idle / not downloaded
//   answers 400) → 3 in progress until a notify of mgmt.firmware ends it → 4 cancel after success,
//   5 cancel after failure; the cancel's answer completes the request.
// A request that times out is marked so (a firmware one also cancels its observation).

#include "iotp/directory.hpp"
#include "iotp/dm_messages.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::iotp {

enum class dm_action_kind : std::uint8_t {
  reboot,
  factory_reset,
  firmware_download,
  firmware_update,
  custom
};
std::string_view to_string(dm_action_kind kind) noexcept;  // reboot, factory-reset, firmware-download, ...
std::optional<dm_action_kind> parse_action_kind(std::string_view text) noexcept;
bool is_firmware(dm_action_kind kind) noexcept;

enum class dm_request_state : std::uint8_t {
  pending,
  sent,
  in_progress,
  succeeded,
  failed,
  timed_out,
  cancelled
};
std::string_view to_string(dm_request_state state) noexcept;  // pending, sent, in_progress, ..., timed_out
std::optional<dm_request_state> parse_request_state(std::string_view text) noexcept;
bool is_final(dm_request_state state) noexcept;

// A request as the registry keeps it (iot_dm_requests).
struct dm_request {
  std::string req_id;
  device_ref device;
  dm_action_kind kind = dm_action_kind::reboot;
  // custom: {"bundle", "action", "params": {...}}; firmware: {"uri", "version", "name", "verifier"}.
  nlohmann::json params = nlohmann::json::object();
  bool override_others = false;  // firmware: cancel the device's other firmware requests
  dm_request_state state = dm_request_state::pending;
  int step = 0;
  std::optional<int> rc;  // the device's last answer
  std::string message;
  std::int64_t created_at = 0, updated_at = 0, deadline_at = 0;  // Unix seconds
};

// A message for the device: topic `iotdm-1/type/T/id/D/{rest}`.
struct dm_outgoing {
  std::string rest;
  std::string payload;
};

// What an event did: the messages to send and whether the durable row changed.
struct dm_step {
  std::vector<dm_outgoing> send;
  bool changed = false;
};

// The reqId of a message for `step`, and the request and step a device's reqId names.
std::string step_req_id(std::string_view req_id, int step);
std::optional<std::pair<std::string, int>> split_req_id(std::string_view req_id);

class dm_action {
 public:
  explicit dm_action(dm_request r) : r_(std::move(r)) {}

  const dm_request& request() const noexcept { return r_; }
  bool finished() const noexcept { return is_final(r_.state); }

  // The first message (pending → sent). `firmware`: the mgmt.firmware the registry has (null when
  // none); `now`: the ISO 8601 time for its updatedDateTime.
  dm_step start(const nlohmann::json& firmware, std::string_view now);
  // The device's answer to the message of `step`.
  dm_step on_response(int step, const dm_device_response& response);
  // The device managed again (reboot, factory reset: done).
  dm_step on_manage();
  // The device notified mgmt.firmware.
  dm_step on_firmware(const nlohmann::json& firmware);
  // The deadline passed.
  dm_step expire();
  // Ended without a device's answer (refused before sending, overridden, cancelled).
  dm_step end(dm_request_state state, std::optional<int> rc, std::string message);

 private:
  dm_outgoing message(int step, std::string rest, const nlohmann::json& d) const;
  dm_outgoing initiate() const;
  dm_outgoing cancel(int step) const;
  dm_step fail(const dm_device_response& response, std::string_view what);
  dm_step firmware_response(int step, const dm_device_response& response);

  dm_request r_;
};

}  // namespace tether::iotp
