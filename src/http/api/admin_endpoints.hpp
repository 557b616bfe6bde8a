#pragma once
// The admin API's routes: each endpoint reads its path parameters and JSON body, calls the registry
// service and renders the outcome (registry_json.hpp). The table is the API's reference:
//   GET, POST               gateways                   GET, PATCH, DELETE  gateways/{id}
//   GET, POST               applications               GET, PATCH, DELETE  applications/{id}
//   GET, POST               applications/{id}/devices  GET, PATCH, DELETE  applications/{id}/devices/{dev}
//   GET, POST               gateways/{id}/keys, applications/{id}/keys, admin/keys
//   GET, PATCH, DELETE      keys/{key_id} (PATCH: its name)

#include "http/api/admin_api.hpp"
#include "registry/rights.hpp"

#include <string>
#include <vector>

namespace tether::http::api {

struct admin_api::call {
  const request& req;
  std::vector<std::string> params;  // the pattern's {} in order
  registry::rights rights;          // of the caller's admin key
};

std::vector<admin_api::route> admin_routes();

}  // namespace tether::http::api
