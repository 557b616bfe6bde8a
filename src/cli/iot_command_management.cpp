// What `tether iot device|gateway show` tells of device management (spec A3): whether the device is
// managed or dormant, its lifetime, what it supports, its deviceInfo, metadata and firmware attributes,
// its error codes and logs, as the running server stored them (iotp/dm_store).

#include "cli/iot_command.hpp"

#include "cli/registry_cli.hpp"
#include "iotp/dm_store.hpp"

#include <iostream>

namespace tether::cli::iot {
namespace {

using nlohmann::json;

std::string state_text(const json& m) {
  if (m.is_null()) return "never managed";
  if (m.value("managed", false)) {
    const auto lifetime = m.value("lifetime", std::int64_t{0});
    if (lifetime == 0) return "managed (no lifetime)";
    return "managed (lifetime " + std::to_string(lifetime) + " s, dormant after " +
           m.value("expires_at", std::string("-")) + ")";
  }
  return m.value("dormant", false) ? "dormant (unmanaged: its lifetime lapsed)" : "unmanaged";
}

std::string supports_text(const json& supports) {
  std::string out;
  for (const auto& [key, value] : supports.items()) {
    if (value.is_boolean() && value.get<bool>()) out += (out.empty() ? "" : ", ") + key;
  }
  return out.empty() ? "-" : out;
}

std::string compact(const json& j) {
  if (j.is_null() || (j.is_object() && j.empty())) return "-";
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

json management_json(storage::database& db, const iotp::device_ref& ref) {
  iotp::dm_store store(db);
  auto state = store.state(ref);
  json errors = json::array();
  for (const auto& e : store.error_codes(ref))
    errors.push_back({{"code", e.code}, {"at", format_time(e.at)}});
  json logs = json::array();
  for (const auto& l : store.logs(ref)) {
    logs.push_back(
        {{"message", l.message}, {"timestamp", l.timestamp}, {"data", l.data}, {"severity", l.severity}});
  }
  if (!state && errors.empty() && logs.empty()) return nullptr;
  json out{{"error_codes", errors}, {"logs", logs}};
  if (!state) {
    out["managed"] = false;
    out["dormant"] = false;
    return out;
  }
  out["managed"] = state->managed;
  out["dormant"] = state->dormant;
  out["lifetime"] = state->lifetime;
  out["managed_at"] = time_json(state->managed_at);
  out["expires_at"] = time_json(state->expires_at);
  out["via"] = state->via.empty() ? json(nullptr) : json(state->via);
  out["supports"] = state->supports;
  out["device_info"] = state->device_info;
  out["metadata"] = state->metadata;
  out["firmware"] = state->firmware;
  return out;
}

void print_management(const json& m) {
  std::cout << "management:    " << state_text(m) << '\n';
  if (m.is_null()) return;
  if (m.contains("supports")) {
    std::cout << "supports:      " << supports_text(m["supports"]) << '\n'
              << "device_info:   " << compact(m["device_info"]) << '\n'
              << "metadata:      " << compact(m["metadata"]) << '\n'
              << "firmware:      " << compact(m["firmware"]) << '\n';
    if (!m["via"].is_null()) std::cout << "managed via:   " << m["via"].get<std::string>() << '\n';
  }
  std::string codes;
  for (const auto& e : m["error_codes"])
    codes += (codes.empty() ? "" : ", ") + std::to_string(e["code"].get<std::int64_t>());
  std::cout << "error_codes:   " << (codes.empty() ? "-" : codes) << '\n'
            << "logs:          " << m["logs"].size() << '\n';
  static constexpr const char* severities[] = {"info", "warning", "error"};
  for (const auto& l : m["logs"]) {
    const auto sev = l["severity"].get<int>();
    std::cout << "  " << l["timestamp"].get<std::string>() << ' '
              << severities[sev >= 0 && sev <= 2 ? sev : 0] << ' ' << l["message"].get<std::string>() << '\n';
  }
}

}  // namespace tether::cli::iot
