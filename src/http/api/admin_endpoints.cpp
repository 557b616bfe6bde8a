#include "http/api/admin_endpoints.hpp"

#include "http/api/admin_errors.hpp"
#include "http/api/json_body.hpp"
#include "http/api/registry_json.hpp"
#include "registry/service/application_service.hpp"
#include "registry/service/device_service.hpp"
#include "registry/service/gateway_service.hpp"
#include "registry/service/key_service.hpp"

namespace tether::http::api {

namespace {

using nlohmann::json;
using call = admin_api::call;
using db_ref = storage::database&;

template <class T, class Render>
response answer(registry::outcome<T> o, Render render, unsigned status = 200) {
  if (!o) return failure_response(o.error());
  return json_response(render(*o), status);
}

template <class List, class Render>
json array_of(const List& items, Render render) {
  auto out = json::array();
  for (const auto& item : items) out.push_back(render(item));
  return out;
}

// {"deleted": {"gateway_id": "gw1"}}, as `tether gateway delete --json` prints it.
response deleted(registry::outcome<void> o, json fields) {
  if (!o) return failure_response(o.error());
  return json_response({{"deleted", std::move(fields)}});
}

auto render = [](const auto& x) { return to_json(x); };

// Gateways.
registry::gateway_fields gateway_fields_of(json_body& b) {
  registry::gateway_fields f;
  if (b.has("eui")) f.eui = b.text("eui").value_or("");
  f.frequency_plan_id = b.text("frequency_plan_id");
  f.name = b.text("name");
  f.location = b.location("location");
  f.clear_location = b.is_null("location");
  return f;
}

response list_gateways(db_ref db, call&) {
  return answer(registry::gateway_service(db).list(), [](const auto& v) { return array_of(v, render); });
}

response create_gateway(db_ref db, call& c) {
  json_body b(c.req.body, {"gateway_id", "eui", "frequency_plan_id", "name", "location"});
  const auto id = b.required_text("gateway_id");
  const auto fields = gateway_fields_of(b);
  if (b.error()) return *b.error();
  return answer(registry::gateway_service(db).create(id, fields), render, 201);
}

response get_gateway(db_ref db, call& c) {
  return answer(registry::gateway_service(db).get(c.params[0]), [&](const registry::gateway& g) {
    auto out = to_json(g);
    out["connection"] = gateway_connection(db, g.gateway_id);
    return out;
  });
}

response update_gateway(db_ref db, call& c) {
  json_body b(c.req.body, {"eui", "frequency_plan_id", "name", "location"});
  const auto fields = gateway_fields_of(b);
  if (b.error()) return *b.error();
  return answer(registry::gateway_service(db).update(c.params[0], fields), render);
}

response delete_gateway(db_ref db, call& c) {
  return deleted(registry::gateway_service(db).remove(c.params[0]), {{"gateway_id", c.params[0]}});
}

// Applications.
response list_applications(db_ref db, call&) {
  return answer(registry::application_service(db).list(), [](const auto& v) { return array_of(v, render); });
}

response create_application(db_ref db, call& c) {
  json_body b(c.req.body, {"application_id", "name"});
  const auto id = b.required_text("application_id");
  const registry::application_fields fields{.name = b.text("name")};
  if (b.error()) return *b.error();
  return answer(registry::application_service(db).create(id, fields), render, 201);
}

response get_application(db_ref db, call& c) {
  return answer(registry::application_service(db).get(c.params[0]), render);
}

response update_application(db_ref db, call& c) {
  json_body b(c.req.body, {"name"});
  const registry::application_fields fields{.name = b.text("name")};
  if (b.error()) return *b.error();
  return answer(registry::application_service(db).update(c.params[0], fields), render);
}

response delete_application(db_ref db, call& c) {
  return deleted(registry::application_service(db).remove(c.params[0]), {{"application_id", c.params[0]}});
}

// Devices.
void read_settings(json_body& b, registry::device_settings& s) {
  s.device_class = b.text("class");
  s.lorawan_version = b.text("lorawan_version");
  s.frequency_plan_id = b.text("frequency_plan_id");
  s.name = b.text("name");
}

auto render_device = [](const registry::end_device& d) { return to_json(d, false); };

response list_devices(db_ref db, call& c) {
  return answer(registry::device_service(db).list(c.params[0]),
                [](const auto& v) { return array_of(v, render_device); });
}

response create_device(db_ref db, call& c) {
  json_body b(c.req.body, {"device_id", "dev_eui", "join_eui", "app_key", "dev_addr", "nwk_s_key",
                           "app_s_key", "class", "lorawan_version", "frequency_plan_id", "name"});
  const auto id = b.required_text("device_id");
  registry::device_fields f;
  f.dev_eui = b.text("dev_eui");
  f.join_eui = b.text("join_eui");
  f.app_key = b.text("app_key");
  f.dev_addr = b.text("dev_addr");
  f.nwk_s_key = b.text("nwk_s_key");
  f.app_s_key = b.text("app_s_key");
  read_settings(b, f);
  if (b.error()) return *b.error();
  return answer(registry::device_service(db).create(c.params[0], id, f), render_device, 201);
}

response get_device(db_ref db, call& c) {
  // The root and session keys only for a key that may change everything.
  const bool with_keys = c.rights.contains(registry::right::admin_all);
  return answer(registry::device_service(db).get(c.params[0], c.params[1]),
                [&](const registry::end_device& d) { return to_json(d, with_keys); });
}

response update_device(db_ref db, call& c) {
  json_body b(c.req.body, {"class", "lorawan_version", "frequency_plan_id", "name"});
  registry::device_settings s;
  read_settings(b, s);
  if (b.error()) return *b.error();
  return answer(registry::device_service(db).update(c.params[0], c.params[1], s), render_device);
}

response delete_device(db_ref db, call& c) {
  return deleted(registry::device_service(db).remove(c.params[0], c.params[1]),
                 {{"application_id", c.params[0]}, {"device_id", c.params[1]}});
}

// API keys.
registry::entity_ref owner_of(registry::entity_kind kind, const call& c) {
  return {kind, kind == registry::entity_kind::admin ? std::string() : c.params.at(0)};
}

template <registry::entity_kind kind>
response list_keys(db_ref db, call& c) {
  return answer(registry::key_service(db).list(owner_of(kind, c)),
                [](const auto& v) { return array_of(v, render); });
}

template <registry::entity_kind kind>
response create_key(db_ref db, call& c) {
  json_body b(c.req.body, {"rights", "name"});
  const auto rights = b.joined_list("rights");
  const auto name = b.text("name").value_or("");
  if (b.error()) return *b.error();
  return answer(
      registry::key_service(db).create(owner_of(kind, c), rights.value_or(""), name),
      [](const registry::created_key& k) {
        auto out = to_json(k.key);
        out["key"] = k.full_key;  // shown once
        return out;
      },
      201);
}

response get_key(db_ref db, call& c) { return answer(registry::key_service(db).get(c.params[0]), render); }

response update_key(db_ref db, call& c) {
  json_body b(c.req.body, {"name"});
  const auto name = b.text("name");
  if (b.error()) return *b.error();
  registry::key_service keys(db);
  return answer(name ? keys.update(c.params[0], *name) : keys.get(c.params[0]), render);
}

response delete_key(db_ref db, call& c) {
  return deleted(registry::key_service(db).remove(c.params[0]), {{"key_id", c.params[0]}});
}

}  // namespace

std::vector<admin_api::route> admin_routes() {
  using registry::entity_kind;
  return {
      {"GET", "gateways", false, list_gateways},
      {"POST", "gateways", true, create_gateway},
      {"GET", "gateways/{}", false, get_gateway},
      {"PATCH", "gateways/{}", true, update_gateway},
      {"DELETE", "gateways/{}", true, delete_gateway},
      {"GET", "gateways/{}/keys", false, list_keys<entity_kind::gateway>},
      {"POST", "gateways/{}/keys", true, create_key<entity_kind::gateway>},
      {"GET", "applications", false, list_applications},
      {"POST", "applications", true, create_application},
      {"GET", "applications/{}", false, get_application},
      {"PATCH", "applications/{}", true, update_application},
      {"DELETE", "applications/{}", true, delete_application},
      {"GET", "applications/{}/keys", false, list_keys<entity_kind::application>},
      {"POST", "applications/{}/keys", true, create_key<entity_kind::application>},
      {"GET", "applications/{}/devices", false, list_devices},
      {"POST", "applications/{}/devices", true, create_device},
      {"GET", "applications/{}/devices/{}", false, get_device},
      {"PATCH", "applications/{}/devices/{}", true, update_device},
      {"DELETE", "applications/{}/devices/{}", true, delete_device},
      {"GET", "admin/keys", false, list_keys<entity_kind::admin>},
      {"POST", "admin/keys", true, create_key<entity_kind::admin>},
      {"GET", "keys/{}", false, get_key},
      {"PATCH", "keys/{}", true, update_key},
      {"DELETE", "keys/{}", true, delete_key},
  };
}

}  // namespace tether::http::api
