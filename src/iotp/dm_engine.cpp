#include "iotp/dm_engine.hpp"

#include "iotp/status_messages.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace tether::iotp {
namespace {

std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

bool declared(const nlohmann::json& supports, const std::string& key) {
  auto it = supports.find(key);
  return it != supports.end() && it->is_boolean() && it->get<bool>();
}

std::optional<std::int64_t> firmware_state(const nlohmann::json& firmware) {
  if (!firmware.is_object()) return std::nullopt;
  auto it = firmware.find("state");
  if (it == firmware.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

}  // namespace

void dm_engine::resume() {
  std::size_t n = 0;
  for (auto& r : store_.open_requests()) {
    if (r.state == dm_request_state::pending) continue;  // tick() starts these
    auto id = r.req_id;
    open_.emplace(std::move(id), dm_action(std::move(r)));
    ++n;
  }
  if (n) spdlog::info("[iot] device management: {} open request(s) taken up again", n);
}

void dm_engine::tick(std::chrono::system_clock::time_point now) {
  const auto seconds = unix_seconds(now);
  for (auto& [id, action] : open_) {
    if (action.request().deadline_at <= seconds) apply(action, action.expire(), now);
  }
  std::erase_if(open_, [](const auto& entry) { return entry.second.finished(); });
  for (auto& r : store_.open_requests()) {
    if (r.state == dm_request_state::pending && !open_.contains(r.req_id)) begin(std::move(r), now);
  }
}

std::optional<dm_refusal> dm_engine::check(const dm_request& r, const std::optional<dm_device_state>& state,
                                           std::chrono::system_clock::time_point now) {
  if (r.deadline_at <= unix_seconds(now)) return dm_refusal{0, "timed out before it could be sent"};
  if (!state || !state->managed) {
    return dm_refusal{dm_rc::conflict, "the device is not managed (it must send manage first)"};
  }
  const auto& s = state->supports;
  switch (r.kind) {
    case dm_action_kind::reboot:
    case dm_action_kind::factory_reset:
      if (!declared(s, "deviceActions"))
        return dm_refusal{dm_rc::not_implemented, "no deviceActions support declared"};
      return std::nullopt;
    case dm_action_kind::custom: {
      const auto bundle = r.params.value("bundle", std::string());
      if (!declared(s, bundle)) {
        return dm_refusal{dm_rc::forbidden, "the device's manage did not declare bundle " + bundle};
      }
      return std::nullopt;
    }
    case dm_action_kind::firmware_download:
    case dm_action_kind::firmware_update:
      break;
  }
  if (!declared(s, "firmwareActions"))
    return dm_refusal{dm_rc::not_implemented, "no firmwareActions support declared"};
  if (!r.override_others) {
    for (const auto& [id, other] : open_) {
      if (other.request().device == r.device && is_firmware(other.request().kind) && !other.finished()) {
        return dm_refusal{dm_rc::conflict, "firmware request " + id + " is in progress (use --override)"};
      }
    }
  }
  const auto fw = firmware_state(state->firmware);
  if (r.kind == dm_action_kind::firmware_download && fw && *fw != 0) {
    return dm_refusal{dm_rc::bad_request, fmt::format("the firmware state is {}, not idle (0)", *fw)};
  }
  if (r.kind == dm_action_kind::firmware_update && fw && *fw != 2) {
    return dm_refusal{dm_rc::bad_request, fmt::format("the firmware state is {}, not downloaded (2)", *fw)};
  }
  return std::nullopt;
}

void dm_engine::begin(dm_request r, std::chrono::system_clock::time_point now) {
  const auto state = store_.state(r.device);
  auto id = r.req_id;
  dm_action action(std::move(r));
  if (auto why = check(action.request(), state, now)) {
    ++stats_.refused;
    const bool late = why->rc == 0;
    apply(action,
          action.end(late ? dm_request_state::timed_out : dm_request_state::failed,
                     late ? std::nullopt : std::optional<int>(why->rc), why->message),
          now);
    return;
  }
  if (action.request().override_others && is_firmware(action.request().kind)) {
    for (auto& [other_id, other] : open_) {
      if (other.request().device == action.request().device && is_firmware(other.request().kind)) {
        apply(other, other.end(dm_request_state::cancelled, other.request().rc, "overridden by " + id), now);
      }
    }
  }
  auto step = action.start(state->firmware, to_iso8601(now));
  auto [it, inserted] = open_.emplace(id, std::move(action));
  if (inserted) apply(it->second, std::move(step), now);
}

void dm_engine::apply(dm_action& a, dm_step step, std::chrono::system_clock::time_point now) {
  const auto& r = a.request();
  const auto base = fmt::format("{}/iotdm-1/type/{}/id/{}/", r.device.org, r.device.type, r.device.id);
  for (auto& out : step.send) {
    publish_(mqtt::make_message(base + out.rest, std::move(out.payload), 1, false));
    ++stats_.sent;
  }
  if (!step.changed) return;
  auto row = r;
  row.updated_at = unix_seconds(now);
  store_.update_request(row);
  if (a.finished()) {
    spdlog::info("[iot] request {} ({} for {}:{}:{}) {}: {}", r.req_id, to_string(r.kind), r.device.org,
                 r.device.type, r.device.id, to_string(r.state), r.message);
  }
}

void dm_engine::on_manage(const device_ref& device, std::chrono::system_clock::time_point now) {
  for (auto& [id, action] : open_) {
    if (action.request().device == device) apply(action, action.on_manage(), now);
  }
  std::erase_if(open_, [](const auto& entry) { return entry.second.finished(); });
}

void dm_engine::on_firmware(const device_ref& device, const nlohmann::json& firmware,
                            std::chrono::system_clock::time_point now) {
  for (auto& [id, action] : open_) {
    if (action.request().device == device) apply(action, action.on_firmware(firmware), now);
  }
}

bool dm_engine::on_response(const device_ref& device, const dm_device_response& response,
                            std::chrono::system_clock::time_point now) {
  auto parts = split_req_id(response.req_id);
  auto it = parts ? open_.find(parts->first) : open_.end();
  if (it == open_.end() || !(it->second.request().device == device)) {
    ++stats_.unmatched;
    return false;
  }
  apply(it->second, it->second.on_response(parts->second, response), now);
  if (it->second.finished()) open_.erase(it);
  return true;
}

}  // namespace tether::iotp
