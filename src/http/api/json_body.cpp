#include "http/api/json_body.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tether::http::api {

using nlohmann::json;

json_body::json_body(std::string_view body, std::initializer_list<std::string_view> allowed) {
  object_ = json::parse(body, nullptr, false);
  if (object_.is_discarded()) {
    fail("malformed_json", "the body is not JSON");
    return;
  }
  if (!object_.is_object()) {
    fail("malformed_json", "the body must be a JSON object");
    return;
  }
  for (const auto& [name, value] : object_.items()) {
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    std::string known;
    for (auto a : allowed) known += (known.empty() ? "" : ", ") + std::string(a);
    fail("unknown_field", fmt::format("unknown field {} (this operation takes: {})", json(name).dump(),
                                      known.empty() ? "no fields" : known));
    return;
  }
}

void json_body::fail(std::string_view name, std::string message) {
  if (!error_) error_ = json_error(400, name, message);
}

const json* json_body::find(std::string_view field) const {
  if (error_ || !object_.is_object()) return nullptr;
  auto it = object_.find(field);
  return it == object_.end() ? nullptr : &*it;
}

bool json_body::has(std::string_view field) const { return find(field) != nullptr; }

bool json_body::is_null(std::string_view field) const {
  const auto* value = find(field);
  return value && value->is_null();
}

std::optional<std::string> json_body::text(std::string_view field) {
  const auto* value = find(field);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_string()) {
    fail("invalid_field", fmt::format("field {} must be a string", field));
    return std::nullopt;
  }
  return value->get<std::string>();
}

std::string json_body::required_text(std::string_view field) {
  if (!error_ && (!has(field) || is_null(field)))
    fail("missing_field", fmt::format("field {} is required", field));
  return text(field).value_or("");
}

std::optional<registry::location> json_body::location(std::string_view field) {
  const auto* value = find(field);
  if (!value || value->is_null()) return std::nullopt;
  auto number = [&](const char* name, bool required) -> double {
    const auto it = value->find(name);
    if (it == value->end() && !required) return 0;
    if (it == value->end() || !it->is_number()) {
      fail("invalid_field", fmt::format("field {} needs a number {}", field, name));
      return 0;
    }
    return it->get<double>();
  };
  if (!value->is_object()) {
    fail("invalid_field",
         fmt::format("field {} must be an object with latitude, longitude and altitude", field));
    return std::nullopt;
  }
  for (const auto& [name, v] : value->items()) {
    if (name != "latitude" && name != "longitude" && name != "altitude") {
      fail("unknown_field", fmt::format("unknown field {}.{} (it takes latitude, longitude, altitude)", field,
                                        json(name).dump()));
      return std::nullopt;
    }
  }
  registry::location l{number("latitude", true), number("longitude", true), number("altitude", false)};
  if (error_) return std::nullopt;
  return l;
}

std::optional<std::string> json_body::joined_list(std::string_view field) {
  const auto* value = find(field);
  if (!value) return std::nullopt;
  auto bad = [&] {
    fail("invalid_field", fmt::format("field {} must be an array of names", field));
    return std::nullopt;
  };
  if (!value->is_array()) return bad();
  std::string out;
  for (const auto& item : *value) {
    if (!item.is_string()) return bad();
    const auto& name = item.get_ref<const std::string&>();
    if (name.empty() || name.find(',') != std::string::npos) return bad();
    out += (out.empty() ? "" : ",") + name;
  }
  return out;
}

}  // namespace tether::http::api
