#pragma once
// The admin API's answers: a registry service failure as an HTTP status and a JSON error with the
// registry's error name and the message the command line prints (minus "tether <command>: "), and
// the refusals of the API itself (401 is http::unauthorized, shared with the event feed).

#include "http/bearer_auth.hpp"
#include "http/router.hpp"
#include "registry/rights.hpp"
#include "registry/service/failure.hpp"

#include <nlohmann/json.hpp>

#include <string_view>

namespace tether::http::api {

// 400 for bad input, 404 for an unknown entity (or the one it refers to), 409 for a conflict.
unsigned status_of(const registry::failure& f);
// {"error": "not_found", "message": "gateway 'gw1' not found"[, "field": "eui"]}
response failure_response(const registry::failure& f);
response forbidden(registry::right needed);  // 403 naming the admin right needed
// `value` as the JSON body, with `status`.
response json_response(const nlohmann::json& value, unsigned status = 200);

}  // namespace tether::http::api
