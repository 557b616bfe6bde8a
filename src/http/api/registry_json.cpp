#include "http/api/registry_json.hpp"

#include "core/rfc3339.hpp"
#include "gateway/gateway_state_store.hpp"

#include <chrono>
#include <optional>

namespace tether::http::api {

namespace {

using nlohmann::json;

template <class T>
json hex_or_null(const std::optional<T>& value) {
  return value ? json(value->to_hex()) : json(nullptr);
}

}  // namespace

std::string time_text(std::int64_t unix_seconds) {
  return core::to_rfc3339(std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds)));
}

json to_json(const registry::gateway& g) {
  json out{{"gateway_id", g.gateway_id},
           {"eui", hex_or_null(g.eui)},
           {"frequency_plan_id", g.frequency_plan_id},
           {"name", g.name},
           {"created_at", time_text(g.created_at)}};
  if (g.location) {
    out["location"] = {{"latitude", g.location->latitude},
                       {"longitude", g.location->longitude},
                       {"altitude", g.location->altitude}};
  }
  return out;
}

json gateway_connection(storage::database& db, const std::string& gateway_id) {
  auto text = gateway::gateway_state_store(db).read(gateway_id);
  if (!text) return json(nullptr);
  auto state = json::parse(*text, nullptr, false);
  return state.is_discarded() ? json(nullptr) : state;
}

json to_json(const registry::application& a) {
  return {{"application_id", a.application_id}, {"name", a.name}, {"created_at", time_text(a.created_at)}};
}

json to_json(const registry::end_device& d, bool with_keys) {
  json out{{"application_id", d.application_id},
           {"device_id", d.device_id},
           {"activation", registry::to_string(d.activation)},
           {"dev_eui", hex_or_null(d.dev_eui)},
           {"join_eui", hex_or_null(d.join_eui)},
           {"dev_addr", hex_or_null(d.dev_addr)},
           {"lorawan_version", d.lorawan_version},
           {"class", registry::to_string(d.cls)},
           {"frequency_plan_id", d.frequency_plan_id},
           {"name", d.name},
           {"created_at", time_text(d.created_at)}};
  if (with_keys) {
    out["app_key"] = hex_or_null(d.app_key);
    out["nwk_s_key"] = hex_or_null(d.nwk_s_key);
    out["app_s_key"] = hex_or_null(d.app_s_key);
  }
  return out;
}

json rights_json(const registry::rights& granted) {
  json out = json::array();
  for (auto r : granted.list()) out.push_back(registry::right_name(r));
  return out;
}

json to_json(const registry::api_key& k) {
  json out{{"key_id", k.key_id}};
  switch (k.owner.kind) {
    case registry::entity_kind::gateway:
      out["gateway_id"] = k.owner.id;
      break;
    case registry::entity_kind::application:
      out["application_id"] = k.owner.id;
      break;
    case registry::entity_kind::admin:
      out["admin"] = true;
      break;
  }
  out["rights"] = rights_json(k.rights);
  out["name"] = k.name;
  out["created_at"] = time_text(k.created_at);
  return out;
}

}  // namespace tether::http::api
