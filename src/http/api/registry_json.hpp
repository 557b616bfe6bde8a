#pragma once
// The registry's entities as JSON: one rendering for both faces of the registry, the admin API's
// bodies and the command line's --json output, so that the two never disagree.

#include "registry/api_key.hpp"
#include "registry/application.hpp"
#include "registry/end_device.hpp"
#include "registry/gateway.hpp"
#include "storage/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace tether::http::api {

nlohmann::json to_json(const registry::gateway& g);
// What the server last wrote about a gateway's connection (gateway_state_writer), or null.
nlohmann::json gateway_connection(storage::database& db, const std::string& gateway_id);
nlohmann::json to_json(const registry::application& a);
// The root and session keys only `with_keys`.
nlohmann::json to_json(const registry::end_device& d, bool with_keys);
// An admin key has "admin": true where other keys name their gateway_id or application_id.
nlohmann::json to_json(const registry::api_key& k);
nlohmann::json rights_json(const registry::rights& granted);
// "2024-05-01T12:00:00Z"
std::string time_text(std::int64_t unix_seconds);

}  // namespace tether::http::api
