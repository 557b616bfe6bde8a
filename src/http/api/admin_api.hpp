#pragma once
// The JSON admin API under /api/v1/: the registry operations of the command line (gateways,
// applications, devices, API keys: create, list, get, update, delete) over HTTP, calling the same
// registry service (registry/service/) so both faces behave alike. Every request carries an admin API
// key (`tether key create --admin`) as `Authorization: Bearer <key>`: RIGHT_ADMIN_READ allows GET
// (devices without their keys), RIGHT_ADMIN_ALL everything. Errors are JSON,
// {"error": "<name>", "message": "..."}, with the registry's error names (registry_error) and
// malformed_json, unknown_field, invalid_field, missing_field (400), unauthorized (401), forbidden
// (403), not_found (404), method_not_allowed (405), internal (500).
//
// Runs on the HTTP server's thread, synchronously: each request is one short SQLite transaction on
// the API's own connection. Writes bump the registry version, so the running server picks them up as
// it does the CLI's (cli/registry_poller.hpp).

#include "http/router.hpp"
#include "registry/key_authenticator.hpp"
#include "storage/sqlite.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tether::http::api {

constexpr std::string_view api_prefix = "/api/v1/";

class admin_api {
 public:
  // `db` is used only from the thread that calls handle(); `keys` checks the bearer keys.
  admin_api(storage::database& db, registry::key_authenticator& keys);

  // Serves every path under api_prefix (a path added to the router itself, such as
  // /api/v1/events, wins over this).
  void add_to(router& routes);
  response handle(const request& r, std::string_view path);

  struct call;  // one request, matched to its route (admin_api.cpp)
  using endpoint = response (*)(storage::database& db, call& c);
  struct route {
    std::string_view method;
    std::string_view pattern;  // under api_prefix, "{}" for one path segment: "gateways/{}/keys"
    bool writes;               // needs RIGHT_ADMIN_ALL (else RIGHT_ADMIN_READ)
    endpoint serve;
  };

 private:
  storage::database& db_;
  registry::key_authenticator& keys_;
  std::vector<route> routes_;
};

}  // namespace tether::http::api
