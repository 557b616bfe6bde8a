#include "http/api/admin_errors.hpp"

#include <fmt/format.h>

namespace tether::http::api {

using registry::registry_error;

unsigned status_of(const registry::failure& f) {
  if (f.invalid_input()) return 400;
  if (f.code == registry_error::not_found || f.code == registry_error::unknown_gateway ||
      f.code == registry_error::unknown_application) {
    return 404;
  }
  if (f.code == registry_error::already_exists || f.code == registry_error::eui_in_use) return 409;
  return 500;
}

response failure_response(const registry::failure& f) {
  nlohmann::json body{{"message", f.message()}};
  body["error"] = f.code.category() == registry::registry_category()
                      ? registry::error_name(static_cast<registry_error>(f.code.value()))
                      : "internal";
  if (!f.field.empty()) body["field"] = f.field;
  return json_response(body, status_of(f));
}

response forbidden(registry::right needed) {
  return http::forbidden(fmt::format("this needs an admin key with {}", registry::right_name(needed)));
}

response json_response(const nlohmann::json& value, unsigned status) {
  // A path parameter may hold any bytes: invalid UTF-8 is replaced, never thrown about.
  return {.status = status,
          .content_type = "application/json",
          .body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"};
}

}  // namespace tether::http::api
