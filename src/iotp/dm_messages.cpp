#include "iotp/dm_messages.hpp"

#include "iotp/status_messages.hpp"

#include <array>
#include <charconv>

namespace tether::iotp {
namespace {

using nlohmann::json;

constexpr std::size_t max_depth = 32;           // deeper JSON is refused before it is parsed
constexpr std::size_t max_bundle_length = 255;  // A3: bundle and action IDs
constexpr std::size_t max_text = 4096;          // a time, a reqId

std::nullopt_t refuse(dm_refusal& why, int rc, std::string message) {
  why = {rc, std::move(message)};
  return std::nullopt;
}

bool refused(dm_refusal& why, int rc, std::string message) {
  why = {rc, std::move(message)};
  return false;
}

// Whether the JSON nests deeper than max_depth (strings skipped), so parsing never recurses far.
bool too_deep(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return true;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return false;
}

std::optional<json> parse_json(std::string_view text) {
  if (too_deep(text)) return std::nullopt;
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

bool is_integer(const json& v) { return v.is_number_integer() || v.is_number_unsigned(); }

bool valid_bundle(std::string_view id) {
  return !id.empty() && id.size() <= max_bundle_length && id.find_first_of("/+#") == std::string_view::npos;
}

// An optional string member: false when present and not a string (or too long).
bool optional_text(const json& d, const char* key, std::optional<std::string>& out) {
  auto it = d.find(key);
  if (it == d.end() || it->is_null()) return true;
  if (!it->is_string() || it->get_ref<const std::string&>().size() > max_text) return false;
  out = it->get<std::string>();
  return true;
}

bool parse_supports(const json& s, manage_request& m, dm_refusal& why) {
  if (!s.is_object()) return refused(why, dm_rc::bad_request, "supports must be an object");
  for (const auto& [key, value] : s.items()) {
    if (!value.is_boolean()) {
      return refused(why, dm_rc::bad_request, "supports." + key + " must be true or false");
    }
    const bool on = value.get<bool>();
    if (key == "deviceActions") {
      m.device_actions = on;
    } else if (key == "firmwareActions") {
      m.firmware_actions = on;
    } else if (!valid_bundle(key)) {
      return refused(why, dm_rc::forbidden, "supports names an invalid action bundle");
    } else if (on) {
      m.bundles.push_back(key);
    }
  }
  return true;
}

bool parse_lifetime(const json& d, std::int64_t min_lifetime, manage_request& m, dm_refusal& why) {
  auto it = d.find("lifetime");
  if (it == d.end() || it->is_null()) return true;
  if (!is_integer(*it) || (it->is_number_integer() && it->get<std::int64_t>() < 0)) {
    return refused(why, dm_rc::bad_request, "lifetime must be a whole number of seconds");
  }
  const auto value = it->is_number_unsigned() && it->get<std::uint64_t>() > 1'000'000'000ULL
                         ? std::int64_t{1'000'000'000}
                         : it->get<std::int64_t>();
  if (value != 0 && value < min_lifetime) {
    return refused(why, dm_rc::bad_request,
                   "lifetime must be 0 or at least " + std::to_string(min_lifetime) + " seconds");
  }
  m.lifetime = value;
  return true;
}

bool number_in(const json& d, const char* key, double lo, double hi, bool required, json& out) {
  auto it = d.find(key);
  if (it == d.end() || it->is_null()) return !required;
  if (!it->is_number()) return false;
  const double v = it->get<double>();
  if (!(v >= lo && v <= hi)) return false;
  out[key] = *it;
  return true;
}

}  // namespace

dm_operation operation_of(std::string_view rest) noexcept {
  struct entry {
    std::string_view rest;
    dm_operation op;
  };
  static constexpr std::array table{
      entry{"mgmt/manage", dm_operation::manage},
      entry{"mgmt/unmanage", dm_operation::unmanage},
      entry{"device/update/location", dm_operation::location},
      entry{"add/diag/errorCodes", dm_operation::add_error_code},
      entry{"clear/diag/errorCodes", dm_operation::clear_error_codes},
      entry{"add/diag/log", dm_operation::add_log},
      entry{"clear/diag/log", dm_operation::clear_logs},
      entry{"notify", dm_operation::notify},
      entry{"response", dm_operation::response},
  };
  for (const auto& e : table) {
    if (e.rest == rest) return e.op;
  }
  return dm_operation::unknown;
}

std::optional<dm_envelope> parse_envelope(std::string_view payload, dm_refusal& why) {
  dm_envelope out;
  if (payload.empty()) return out;  // unmanage, clear: a request may carry nothing at all
  auto j = parse_json(payload);
  if (!j || !j->is_object()) return refuse(why, dm_rc::bad_request, "the payload is not a JSON object");
  if (auto it = j->find("reqId"); it != j->end() && !it->is_null()) {
    if (!it->is_string() || it->get_ref<const std::string&>().size() > max_text) {
      return refuse(why, dm_rc::bad_request, "reqId must be a string");
    }
    out.req_id = it->get<std::string>();
  }
  if (auto it = j->find("d"); it != j->end() && !it->is_null()) {
    if (!it->is_object()) return refuse(why, dm_rc::bad_request, "d must be an object");
    out.d = std::move(*it);
  }
  return out;
}

std::optional<manage_request> parse_manage(const json& d, std::int64_t min_lifetime, dm_refusal& why) {
  manage_request m;
  for (const char* key : {"metadata", "deviceInfo"}) {
    auto it = d.find(key);
    if (it == d.end() || it->is_null()) continue;
    if (!it->is_object()) return refuse(why, dm_rc::bad_request, std::string(key) + " must be an object");
    (std::string_view(key) == "metadata" ? m.metadata : m.device_info) = *it;
  }
  if (!parse_lifetime(d, min_lifetime, m, why)) return std::nullopt;
  if (auto it = d.find("supports"); it != d.end() && !it->is_null()) {
    if (!parse_supports(*it, m, why)) return std::nullopt;
  }
  return m;
}

std::optional<json> parse_location(const json& d, std::chrono::system_clock::time_point now,
                                   dm_refusal& why) {
  json out = json::object();
  if (!number_in(d, "latitude", -90, 90, true, out) || !number_in(d, "longitude", -180, 180, true, out)) {
    return refuse(why, dm_rc::bad_request, "latitude and longitude are required, in WGS84 decimal degrees");
  }
  if (!number_in(d, "elevation", -1e7, 1e8, false, out) || !number_in(d, "accuracy", 0, 1e8, false, out)) {
    return refuse(why, dm_rc::bad_request, "elevation and accuracy must be numbers of metres");
  }
  for (const char* key : {"measuredDateTime", "updatedDateTime"}) {
    std::optional<std::string> t;
    if (!optional_text(d, key, t))
      return refuse(why, dm_rc::bad_request, std::string(key) + " must be a string");
    out[key] = t ? *t : to_iso8601(now);
  }
  return out;
}

std::optional<std::int64_t> parse_error_code(const json& d, dm_refusal& why) {
  auto it = d.find("errorCode");
  if (it == d.end() || !it->is_number_integer())
    return refuse(why, dm_rc::bad_request, "errorCode must be an integer");
  return it->get<std::int64_t>();
}

std::optional<log_entry> parse_log(const json& d, std::chrono::system_clock::time_point now,
                                   dm_refusal& why) {
  log_entry e;
  auto msg = d.find("message");
  if (msg == d.end() || !msg->is_string()) return refuse(why, dm_rc::bad_request, "message must be a string");
  e.message = msg->get<std::string>();
  std::optional<std::string> ts, data;
  if (!optional_text(d, "timestamp", ts))
    return refuse(why, dm_rc::bad_request, "timestamp must be a string");
  if (auto it = d.find("data"); it != d.end() && !it->is_null()) {
    if (!it->is_string()) return refuse(why, dm_rc::bad_request, "data must be a base64 string");
    e.data = it->get<std::string>();
  }
  e.timestamp = ts ? *ts : to_iso8601(now);
  if (auto it = d.find("severity"); it != d.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > 2) {
      return refuse(why, dm_rc::bad_request, "severity must be 0, 1 or 2");
    }
    e.severity = it->get<int>();
  }
  return e;
}

bool known_attribute(std::string_view field) noexcept {
  return field == "location" || field == "metadata" || field == "deviceInfo" || field == "mgmt.firmware";
}

std::optional<std::vector<dm_field>> parse_notify(const json& d, dm_refusal& why) {
  auto it = d.find("fields");
  if (it == d.end() || !it->is_array() || it->empty()) {
    return refuse(why, dm_rc::bad_request, "fields must be a non-empty array");
  }
  std::vector<dm_field> out;
  for (const auto& f : *it) {
    if (!f.is_object() || !f.contains("field") || !f["field"].is_string() || !f.contains("value")) {
      return refuse(why, dm_rc::bad_request, "each field needs a field name and a value");
    }
    auto name = f["field"].get<std::string>();
    if (!known_attribute(name))
      return refuse(why, dm_rc::not_found, "unknown attribute " + name.substr(0, 64));
    if (name != "location" && !f["value"].is_object()) {
      return refuse(why, dm_rc::bad_request, name + " must be an object");
    }
    out.push_back({std::move(name), f["value"]});
  }
  return out;
}

std::optional<dm_device_response> parse_device_response(std::string_view payload) {
  auto j = parse_json(payload);
  if (!j || !j->is_object()) return std::nullopt;
  dm_device_response r;
  auto rc = j->find("rc");
  if (rc == j->end()) return std::nullopt;
  if (rc->is_number_integer()) {
    const auto v = rc->get<std::int64_t>();
    if (v < 0 || v > 999) return std::nullopt;
    r.rc = static_cast<int>(v);
  } else if (rc->is_string()) {
    const auto& s = rc->get_ref<const std::string&>();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), r.rc);
    if (ec != std::errc() || end != s.data() + s.size() || r.rc < 0 || r.rc > 999) return std::nullopt;
  } else {
    return std::nullopt;
  }
  auto req = j->find("reqId");
  if (req == j->end() || !req->is_string()) return std::nullopt;
  r.req_id = req->get<std::string>();
  if (auto m = j->find("message"); m != j->end() && m->is_string()) r.message = m->get<std::string>();
  if (auto d = j->find("d"); d != j->end()) r.d = std::move(*d);
  return r;
}

std::string render_response(int rc, std::string_view message, const std::optional<std::string>& req_id) {
  json out{{"rc", rc}};
  if (rc != dm_rc::ok && !message.empty()) out["message"] = message;
  if (req_id) out["reqId"] = *req_id;
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string render_request(std::string_view req_id, const json& d) {
  json out{{"reqId", req_id}};
  if (!d.is_null()) out["d"] = d;
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace tether::iotp
