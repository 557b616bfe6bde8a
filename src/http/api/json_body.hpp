#pragma once
// The JSON object a request of the admin API carries, read field by field: a body that is not JSON or
// not an object is refused as malformed_json, a field the operation does not take as unknown_field,
// a field of the wrong type as invalid_field (all 400). The first problem is kept; later reads return
// nothing, so a handler reads every field and then checks error() once.

#include "http/router.hpp"
#include "registry/gateway.hpp"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace tether::http::api {

class json_body {
 public:
  // `allowed`: the fields this operation takes.
  json_body(std::string_view body, std::initializer_list<std::string_view> allowed);

  const std::optional<response>& error() const { return error_; }
  bool has(std::string_view field) const;
  bool is_null(std::string_view field) const;
  // A string field, nullopt when absent or null (and on a type error, which error() then reports).
  std::optional<std::string> text(std::string_view field);
  // A string field the operation cannot do without.
  std::string required_text(std::string_view field);
  // {"latitude": .., "longitude": .., "altitude": ..} (altitude optional); nullopt when absent or null.
  std::optional<registry::location> location(std::string_view field);
  // An array of strings joined with commas ("rights"); nullopt when absent.
  std::optional<std::string> joined_list(std::string_view field);

 private:
  const nlohmann::json* find(std::string_view field) const;
  void fail(std::string_view name, std::string message);

  nlohmann::json object_;
  std::optional<response> error_;
};

}  // namespace tether::http::api
