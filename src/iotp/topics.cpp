#include "iotp/topics.hpp"

#include <array>

namespace tether::iotp {
namespace {

constexpr std::size_t max_levels = 16;

struct levels {
  std::array<std::string_view, max_levels> at;
  std::size_t count = 0;
  std::string_view whole;
  // What follows level `i` and its '/' (the DM topics' rest).
  std::string_view after(std::size_t i) const {
    std::size_t pos = 0;
    for (std::size_t k = 0; k <= i; ++k) pos += at[k].size() + 1;
    return pos >= whole.size() ? std::string_view() : whole.substr(pos);
  }
};

// False when the topic has more levels than any of the platform's (a DM rest may be longer: its
// levels past the limit are kept in `rest` unsplit).
levels split(std::string_view topic) {
  levels out;
  out.whole = topic;
  while (out.count < max_levels) {
    auto slash = topic.find('/');
    out.at[out.count++] = topic.substr(0, slash);
    if (slash == std::string_view::npos) break;
    topic.remove_prefix(slash + 1);
  }
  return out;
}

// An event, command or format level: any non-empty level; `+` only in a filter; never `#`.
bool free_level(std::string_view l, bool filter) {
  if (l.empty()) return false;
  if (l == "+") return filter;
  return l.find_first_of("+#") == std::string_view::npos;
}

// A type, device or app ID level (or `+` in a filter).
bool name_level(std::string_view l, bool filter) { return (filter && l == "+") || valid_name(l); }

// No `#` anywhere, and `+` only as a whole level of a filter (the codec checks the rest).
bool plain_rest(std::string_view rest, bool filter) {
  if (rest.empty() || rest.find('#') != std::string_view::npos) return false;
  return filter || rest.find('+') == std::string_view::npos;
}

std::optional<topic_parts> parse_type_id(const levels& l, bool filter) {
  if (l.count < 6 || l.at[1] != "type" || l.at[3] != "id") return std::nullopt;
  if (!name_level(l.at[2], filter) || !name_level(l.at[4], filter)) return std::nullopt;
  topic_parts p;
  p.type = l.at[2];
  p.id = l.at[4];
  const auto what = l.at[5];
  if (l.count == 9 && (what == "evt" || what == "cmd") && l.at[7] == "fmt") {
    if (!free_level(l.at[6], filter) || !free_level(l.at[8], filter)) return std::nullopt;
    p.kind = what == "evt" ? topic_kind::event : topic_kind::command;
    p.name = l.at[6];
    p.format = l.at[8];
    return p;
  }
  if (l.count == 6 && (what == "mon" || what == "notify")) {
    p.kind = what == "mon" ? topic_kind::device_mon : topic_kind::notify;
    return p;
  }
  const bool err = l.count == 7 && what == "err" && l.at[6] == "data";
  const bool state =
      l.count == 9 && what == "intf" && free_level(l.at[6], filter) && l.at[7] == "evt" && l.at[8] == "state";
  if (err || state) {
    p.kind = topic_kind::extra;
    return p;
  }
  return std::nullopt;
}

std::optional<topic_parts> parse_iot2(const levels& l, bool filter) {
  if (l.count >= 2 && l.at[1] == "type") return parse_type_id(l, filter);
  if (l.count == 4 && l.at[1] == "app" && l.at[3] == "mon") {
    if (!name_level(l.at[2], filter)) return std::nullopt;
    topic_parts p;
    p.kind = topic_kind::app_mon;
    p.id = l.at[2];
    return p;
  }
  // The "information management" thing topics the SDK's applications subscribe to.
  if (l.count >= 7 && l.at[1] == "thing" && l.at[2] == "type" && l.at[4] == "id" &&
      name_level(l.at[3], filter) && name_level(l.at[5], filter) && plain_rest(l.after(5), filter)) {
    topic_parts p;
    p.kind = topic_kind::extra;
    return p;
  }
  return std::nullopt;
}

// `iotdm-1/...` (`#` may end a filter) and `iotdevice-1/...` (no `#`); `rest` must not be empty.
bool dm_rest_ok(std::string_view rest, bool filter, bool request) {
  if (rest.empty()) return false;
  if (!filter) return rest.find_first_of("+#") == std::string_view::npos;
  return request || rest.find('#') == std::string_view::npos;
}

}  // namespace

std::optional<topic_parts> parse_topic(std::string_view topic, bool filter) {
  const auto l = split(topic);
  if (l.at[0] == "iot-2") return parse_iot2(l, filter);
  const bool request = l.at[0] == "iotdm-1";
  if (!request && l.at[0] != "iotdevice-1") return std::nullopt;
  if (l.count < 6 || l.at[1] != "type" || l.at[3] != "id") return std::nullopt;
  if (!name_level(l.at[2], filter) || !name_level(l.at[4], filter)) return std::nullopt;
  topic_parts p;
  p.kind = request ? topic_kind::dm_request : topic_kind::dm_response;
  p.type = l.at[2];
  p.id = l.at[4];
  p.rest = l.after(4);
  if (!dm_rest_ok(p.rest, filter, request)) return std::nullopt;
  return p;
}

std::optional<topic_parts> parse_device_topic(std::string_view topic, bool filter) {
  const auto l = split(topic);
  topic_parts p;
  if (l.at[0] == "iot-2") {
    if (l.count != 5 || (l.at[1] != "evt" && l.at[1] != "cmd") || l.at[3] != "fmt") return std::nullopt;
    if (!free_level(l.at[2], filter) || !free_level(l.at[4], filter)) return std::nullopt;
    p.kind = l.at[1] == "evt" ? topic_kind::event : topic_kind::command;
    p.name = l.at[2];
    p.format = l.at[4];
    return p;
  }
  const bool request = l.at[0] == "iotdm-1";
  if (!request && l.at[0] != "iotdevice-1") return std::nullopt;
  p.kind = request ? topic_kind::dm_request : topic_kind::dm_response;
  p.rest = l.after(0);
  if (!dm_rest_ok(p.rest, filter, request)) return std::nullopt;
  return p;
}

namespace {

topic_decision decided(std::optional<topic_parts> p, bool allowed, bool names_device = false) {
  topic_decision d;
  if (!p) return d;
  d.parts = *p;
  d.verdict = allowed ? topic_verdict::allowed : topic_verdict::not_authorized;
  d.names_device = allowed && names_device;
  return d;
}

// A device's topic that is not one of its short forms: a full-form topic is the platform's but not
// the device's (180); anything else is no topic of the platform (276).
topic_decision device_decision(std::string_view topic, bool filter, bool (*allowed)(topic_kind)) {
  if (auto p = parse_device_topic(topic, filter)) return decided(p, allowed(p->kind));
  return decided(parse_topic(topic, filter), false);
}

}  // namespace

topic_decision decide_publish(const client_identity& who, std::string_view topic) {
  switch (who.kind) {
    case client_class::device:
      return device_decision(
          topic, false, [](topic_kind k) { return k == topic_kind::event || k == topic_kind::dm_response; });
    case client_class::gateway: {
      auto p = parse_topic(topic, false);
      const bool ok = p && (p->kind == topic_kind::event || p->kind == topic_kind::dm_response);
      return decided(p, ok, true);
    }
    case client_class::application:
    case client_class::shared_application: {
      auto p = parse_topic(topic, false);
      return decided(p, p && (p->kind == topic_kind::event || p->kind == topic_kind::command));
    }
  }
  return {};
}

topic_decision decide_subscribe(const client_identity& who, std::string_view filter) {
  switch (who.kind) {
    case client_class::device:
      return device_decision(
          filter, true, [](topic_kind k) { return k == topic_kind::command || k == topic_kind::dm_request; });
    case client_class::gateway: {
      auto p = parse_topic(filter, true);
      if (p && p->kind == topic_kind::notify) return decided(p, p->type == who.type && p->id == who.id);
      const bool ok = p && (p->kind == topic_kind::command || p->kind == topic_kind::device_mon ||
                            p->kind == topic_kind::dm_request);
      return decided(p, ok, true);
    }
    case client_class::application:
    case client_class::shared_application: {
      auto p = parse_topic(filter, true);
      return decided(p, p && p->kind != topic_kind::notify && p->kind != topic_kind::dm_request &&
                            p->kind != topic_kind::dm_response);
    }
  }
  return {};
}

}  // namespace tether::iotp
