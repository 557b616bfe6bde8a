#include "sim/application_event.hpp"

#include "core/base64.hpp"

#include <nlohmann/json.hpp>

namespace tether::sim {
namespace {

// The device ID and the last level of `v3/{app}/devices/{dev}/{suffix}`.
bool split_topic(std::string_view topic, std::string_view& device, std::string_view& suffix) {
  constexpr std::string_view prefix = "v3/";
  if (!topic.starts_with(prefix)) return false;
  topic.remove_prefix(prefix.size());
  auto app_end = topic.find('/');
  if (app_end == std::string_view::npos) return false;
  topic.remove_prefix(app_end + 1);
  constexpr std::string_view devices = "devices/";
  if (!topic.starts_with(devices)) return false;
  topic.remove_prefix(devices.size());
  auto dev_end = topic.find('/');
  if (dev_end == std::string_view::npos || dev_end == 0) return false;
  device = topic.substr(0, dev_end);
  suffix = topic.substr(dev_end + 1);
  return true;
}

// An optional unsigned field: absent is 0 (zero values are omitted); anything but a number is an error.
bool read_uint(const nlohmann::json& object, const char* name, std::uint32_t& out) {
  auto it = object.find(name);
  if (it == object.end()) return out = 0, true;
  if (!it->is_number_unsigned() || it->get<std::uint64_t>() > 0xffffffffu) return false;
  out = it->get<std::uint32_t>();
  return true;
}

struct downlink_suffix {
  std::string_view suffix;
  event_kind kind;
  const char* field;  // the event's body
};

constexpr downlink_suffix downlink_suffixes[] = {
    {"down/queued", event_kind::down_queued, "downlink_queued"},
    {"down/sent", event_kind::down_sent, "downlink_sent"},
    {"down/ack", event_kind::down_ack, "downlink_ack"},
    {"down/nack", event_kind::down_nack, "downlink_nack"},
    {"down/failed", event_kind::down_failed, "downlink_failed"},
};

// The correlation IDs of the envelope; false when they are not a list of strings.
bool read_correlation_ids(const nlohmann::json& doc, std::vector<std::string>& out) {
  auto it = doc.find("correlation_ids");
  if (it == doc.end()) return true;
  if (!it->is_array()) return false;
  for (const auto& id : *it) {
    if (!id.is_string()) return false;
    out.push_back(id.get<std::string>());
  }
  return true;
}

std::optional<application_event> parse_downlink_event(application_event e, const downlink_suffix& s,
                                                      std::string_view json) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  auto body = doc.find(s.field);
  if (body == doc.end() || !body->is_object()) return std::nullopt;
  if (!read_correlation_ids(doc, e.correlation_ids)) return std::nullopt;
  e.kind = s.kind;
  if (s.kind == event_kind::down_failed) {
    if (auto error = body->find("error"); error != body->end() && error->is_object()) {
      if (auto name = error->find("name"); name != error->end() && name->is_string())
        e.error = name->get<std::string>();
    }
  }
  return e;
}

}  // namespace

std::optional<application_event> parse_application_event(std::string_view topic, std::string_view json) {
  std::string_view device, suffix;
  if (!split_topic(topic, device, suffix)) return std::nullopt;
  application_event e;
  e.device_id = device;
  if (suffix == "join") {
    e.kind = event_kind::join;
    return e;
  }
  for (const auto& s : downlink_suffixes) {
    if (suffix == s.suffix) return parse_downlink_event(std::move(e), s, json);
  }
  if (suffix != "up") return std::nullopt;
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  auto up = doc.find("uplink_message");
  if (up == doc.end() || !up->is_object()) return std::nullopt;
  if (!read_uint(*up, "f_cnt", e.f_cnt) || !read_uint(*up, "f_port", e.f_port)) return std::nullopt;
  if (auto p = up->find("frm_payload"); p != up->end()) {
    if (!p->is_string()) return std::nullopt;
    auto raw = core::from_base64(p->get<std::string>());
    if (!raw) return std::nullopt;
    e.frm_payload.assign(raw->begin(), raw->end());
  }
  return e;
}

}  // namespace tether::sim
