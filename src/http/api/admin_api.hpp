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
// the API's own connection. Every write that succeeds is logged (info) with the key that made it. Writes bump
// the registry version, so the running server picks them up as it does the CLI's (cli/registry_poller.hpp).

#include "core/log_limiter.hpp"
#include "http/router.hpp"
#include "registry/key_authenticator.hpp"
#include "storage/sqlite.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tether::http::api {

constexpr std::string_view api_prefix = "/api/v1/";

// Requests by how they ended, for /metrics (tether_http_admin_api_requests_total); refusals are also logged
// (at most one line a second).
struct admin_api_stats {
  std::atomic<std::uint64_t> served{0};        // 2xx
  std::atomic<std::uint64_t> unauthorized{0};  // 401: no key, or not an admin key
  std::atomic<std::uint64_t> forbidden{0};     // 403: a read-only key writing
  std::atomic<std::uint64_t> rejected{0};      // other 4xx: bad input, unknown entity or path, conflict
  std::atomic<std::uint64_t> failed{0};        // 5xx
};

class admin_api {
 public:
  // `db` is used only from the thread that calls handle(); `keys` checks the bearer keys.
  admin_api(storage::database& db, registry::key_authenticator& keys);

  // Serves every path under api_prefix (a path added to the router itself, such as
  // /api/v1/events, wins over this).
  void add_to(router& routes);
  response handle(const request& r, std::string_view path);
  const admin_api_stats& stats() const noexcept { return stats_; }

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
  response dispatch(const request& r, std::string_view path);
  void count(const request& r, std::string_view path, const response& res);

  std::vector<route> routes_;
  admin_api_stats stats_;
  core::log_limiter refused_log_;
};

}  // namespace tether::http::api
