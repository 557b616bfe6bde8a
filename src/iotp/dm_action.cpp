#include "iotp/dm_action.hpp"

#include <array>
#include <charconv>

namespace tether::iotp {
namespace {

using nlohmann::json;

constexpr std::array kind_names{"reboot", "factory-reset", "firmware-download", "firmware-update", "custom"};
constexpr std::array state_names{"pending", "sent",      "in_progress", "succeeded",
                                 "failed",  "timed_out", "cancelled"};

constexpr int step_in_progress = 3;
constexpr int step_cancel_ok = 4;
constexpr int step_cancel_failed = 5;

json firmware_fields() { return json{{"fields", json::array({{{"field", "mgmt.firmware"}}})}}; }

std::string text_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t int_of(const json& j, const char* key, std::int64_t fallback) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

std::string_view update_status_text(std::int64_t s) {
  switch (s) {
    case 2:
      return "out of memory";
    case 3:
      return "connection lost";
    case 4:
      return "verification failed";
    case 5:
      return "unsupported image";
    case 6:
      return "invalid URI";
    default:
      return "unknown status";
  }
}

}  // namespace

std::string_view to_string(dm_action_kind kind) noexcept {
  return kind_names.at(static_cast<std::size_t>(kind));
}

std::optional<dm_action_kind> parse_action_kind(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kind_names.size(); ++i) {
    if (text == kind_names[i]) return static_cast<dm_action_kind>(i);
  }
  return std::nullopt;
}

bool is_firmware(dm_action_kind kind) noexcept {
  return kind == dm_action_kind::firmware_download || kind == dm_action_kind::firmware_update;
}

std::string_view to_string(dm_request_state state) noexcept {
  return state_names.at(static_cast<std::size_t>(state));
}

std::optional<dm_request_state> parse_request_state(std::string_view text) noexcept {
  for (std::size_t i = 0; i < state_names.size(); ++i) {
    if (text == state_names[i]) return static_cast<dm_request_state>(i);
  }
  return std::nullopt;
}

bool is_final(dm_request_state state) noexcept {
  return state != dm_request_state::pending && state != dm_request_state::sent &&
         state != dm_request_state::in_progress;
}

std::string step_req_id(std::string_view req_id, int step) {
  return std::string(req_id) + "-" + std::to_string(step);
}

std::optional<std::pair<std::string, int>> split_req_id(std::string_view req_id) {
  const auto dash = req_id.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  int step = 0;
  const auto digits = req_id.substr(dash + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), step);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() || step < 0)
    return std::nullopt;
  return std::pair{std::string(req_id.substr(0, dash)), step};
}

dm_outgoing dm_action::message(int step, std::string rest, const json& d) const {
  return {std::move(rest), render_request(step_req_id(r_.req_id, step), d)};
}

dm_outgoing dm_action::initiate() const {
  switch (r_.kind) {
    case dm_action_kind::reboot:
      return message(0, "mgmt/initiate/device/reboot", nullptr);
    case dm_action_kind::factory_reset:
      return message(0, "mgmt/initiate/device/factory_reset", nullptr);
    case dm_action_kind::firmware_download:
      return message(2, "mgmt/initiate/firmware/download", nullptr);
    case dm_action_kind::firmware_update:
      return message(2, "mgmt/initiate/firmware/update", nullptr);
    case dm_action_kind::custom:
      break;
  }
  auto params = r_.params.value("params", json::object());
  return message(0, "mgmt/custom/" + text_of(r_.params, "bundle") + "/" + text_of(r_.params, "action"),
                 params);
}

dm_outgoing dm_action::cancel(int step) const { return message(step, "cancel", firmware_fields()); }

dm_step dm_action::start(const json& firmware, std::string_view now) {
  r_.state = dm_request_state::sent;
  r_.step = 0;
  dm_step out{.changed = true};
  if (!is_firmware(r_.kind)) {
    out.send.push_back(initiate());
    return out;
  }
  // The full mgmt.firmware, always (A5): the request's values over what the registry last heard.
  const json& known = firmware.is_object() ? firmware : json::object();
  json value;
  for (const char* key : {"version", "name", "uri", "verifier"}) {
    auto given = text_of(r_.params, key);
    value[key] = given.empty() ? text_of(known, key) : given;
  }
  const bool download = r_.kind == dm_action_kind::firmware_download;
  value["state"] = download ? 0 : int_of(known, "state", 0);
  value["updateStatus"] = download ? 0 : int_of(known, "updateStatus", 0);
  value["updatedDateTime"] = std::string(now);
  json d{{"fields", json::array({{{"field", "mgmt.firmware"}, {"value", value}}})}};
  out.send.push_back(message(0, "device/update", d));
  return out;
}

dm_step dm_action::fail(const dm_device_response& response, std::string_view what) {
  r_.state = dm_request_state::failed;
  r_.rc = response.rc;
  r_.message = std::string(what) + " answered " + std::to_string(response.rc) +
               (response.message.empty() ? "" : ": " + response.message);
  dm_step out{.changed = true};
  if (is_firmware(r_.kind) && r_.step >= 1) out.send.push_back(cancel(9));  // no longer observed
  return out;
}

dm_step dm_action::on_response(int step, const dm_device_response& response) {
  if (finished() || step != r_.step) return {};
  if (is_firmware(r_.kind)) return firmware_response(step, response);
  if (r_.kind == dm_action_kind::custom) {
    if (response.rc != dm_rc::ok && response.rc != dm_rc::accepted) return fail(response, "the device");
    r_.state = dm_request_state::succeeded;
    r_.rc = response.rc;
    r_.message = response.message;
    return {.changed = true};
  }
  if (step != 0) return {};
  if (response.rc != dm_rc::accepted) return fail(response, "the device");
  r_.state = dm_request_state::in_progress;
  r_.step = 1;
  r_.rc = response.rc;
  r_.message = "accepted; waiting for the device to manage again";
  return {.changed = true};
}

dm_step dm_action::firmware_response(int step, const dm_device_response& response) {
  dm_step out{.changed = true};
  r_.rc = response.rc;
  switch (step) {
    case 0:
      if (response.rc != dm_rc::changed && response.rc != dm_rc::ok) return fail(response, "device/update");
      r_.step = 1;
      out.send.push_back(message(1, "observe", firmware_fields()));
      return out;
    case 1:
      if (response.rc != dm_rc::ok) return fail(response, "observe");
      r_.step = 2;
      out.send.push_back(initiate());
      return out;
    case 2:
      if (response.rc != dm_rc::accepted) return fail(response, "initiate");
      r_.step = step_in_progress;
      r_.state = dm_request_state::in_progress;
      r_.message = "accepted; waiting for the device's notifies";
      return out;
    case step_cancel_ok:
      r_.state = dm_request_state::succeeded;
      r_.rc = dm_rc::ok;
      return out;
    case step_cancel_failed:
      r_.state = dm_request_state::failed;
      return out;
    default:
      return {};
  }
}

dm_step dm_action::on_manage() {
  if (finished() || (r_.kind != dm_action_kind::reboot && r_.kind != dm_action_kind::factory_reset) ||
      r_.step != 1) {
    return {};
  }
  r_.state = dm_request_state::succeeded;
  r_.message = "the device managed again";
  return {.changed = true};
}

dm_step dm_action::on_firmware(const json& firmware) {
  if (finished() || !is_firmware(r_.kind) || r_.step != step_in_progress || !firmware.is_object()) return {};
  const auto state = int_of(firmware, "state", -1);
  const auto status = int_of(firmware, "updateStatus", -1);
  bool ok = false;
  if (r_.kind == dm_action_kind::firmware_download) {
    if (state == 2) {
      ok = true;
    } else if (!(state == 0 && status >= 2)) {
      return {};  // still downloading
    }
  } else if (state == 0 && status == 0) {
    ok = true;
  } else if (status < 2) {
    return {};  // still updating
  }
  r_.step = ok ? step_cancel_ok : step_cancel_failed;
  r_.message = ok ? (r_.kind == dm_action_kind::firmware_download ? "downloaded" : "updated")
                  : (r_.kind == dm_action_kind::firmware_download ? "download failed: " : "update failed: ") +
                        std::string(update_status_text(status)) + " (updateStatus " + std::to_string(status) +
                        ")";
  dm_step out{.changed = true};
  out.send.push_back(cancel(r_.step));
  return out;
}

dm_step dm_action::expire() {
  if (finished()) return {};
  dm_step out = end(dm_request_state::timed_out, r_.rc, "the device did not complete the request in time");
  if (is_firmware(r_.kind) && r_.step >= 1) out.send.push_back(cancel(9));
  return out;
}

dm_step dm_action::end(dm_request_state state, std::optional<int> rc, std::string message) {
  r_.state = state;
  r_.rc = rc;
  r_.message = std::move(message);
  return {.changed = true};
}

}  // namespace tether::iotp
