#include "http/api/admin_api.hpp"

#include "http/api/admin_endpoints.hpp"
#include "http/api/admin_errors.hpp"

#include <spdlog/spdlog.h>

#include <optional>

namespace tether::http::api {

namespace {

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// The path's parameters when it has the pattern's shape.
std::optional<std::vector<std::string>> match(std::string_view pattern,
                                              const std::vector<std::string_view>& path) {
  const auto parts = split(pattern);
  if (parts.size() != path.size()) return std::nullopt;
  std::vector<std::string> params;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "{}") {
      if (path[i].empty()) return std::nullopt;
      params.emplace_back(path[i]);
    } else if (parts[i] != path[i]) {
      return std::nullopt;
    }
  }
  return params;
}

}  // namespace

admin_api::admin_api(storage::database& db, registry::key_authenticator& keys)
    : db_(db), keys_(keys), routes_(admin_routes()) {}

void admin_api::add_to(router& routes) {
  routes.prefix(std::string(api_prefix),
                [this](const request& r, std::string_view path) { return handle(r, path); });
}

response admin_api::handle(const request& r, std::string_view path) {
  auto res = dispatch(r, path);
  count(r, path, res);
  return res;
}

void admin_api::count(const request& r, std::string_view path, const response& res) {
  if (res.status < 300) {
    stats_.served.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  auto& counter = res.status == 401   ? stats_.unauthorized
                  : res.status == 403 ? stats_.forbidden
                  : res.status < 500  ? stats_.rejected
                                      : stats_.failed;
  counter.fetch_add(1, std::memory_order_relaxed);
  if (res.status != 401 && res.status != 403) return;
  if (auto n = refused_log_.due()) {
    spdlog::warn("admin API: {} {} refused ({}){}", r.method, path, res.status, core::repeat_note(*n));
  }
}

response admin_api::dispatch(const request& r, std::string_view path) {
  const auto segments = split(path.substr(api_prefix.size()));
  const auto method = r.method == "HEAD" ? std::string_view("GET") : r.method;
  std::string allow;
  for (const auto& route : routes_) {
    auto params = match(route.pattern, segments);
    if (!params) continue;
    if (route.method != method) {
      allow += (allow.empty() ? "" : ", ") + std::string(route.method);
      continue;
    }
    const auto key = bearer_token(r.authorization);
    if (key.empty()) return unauthorized("give an admin API key as Authorization: Bearer <key>");
    const auto admin = keys_.authenticate({registry::entity_kind::admin, ""}, key);
    if (!admin) return unauthorized("unknown or revoked admin API key");
    const auto needed = route.writes ? registry::right::admin_all : registry::right::admin_read;
    if (!admin->rights.contains(needed)) return forbidden(needed);
    call c{.req = r, .params = std::move(*params), .rights = admin->rights};
    try {
      auto res = route.serve(db_, c);
      if (route.writes && res.status < 300) {
        spdlog::info("admin API: {} {} ({}) by admin key {}", r.method, path, res.status, admin->key_id);
      }
      return res;
    } catch (const std::exception& e) {
      spdlog::error("admin API: {} {}: {}", r.method, path, e.what());
      return json_error(500, "internal", e.what());
    }
  }
  if (!allow.empty()) {
    auto res = json_error(405, "method_not_allowed", "this path takes " + allow);
    res.allow = allow;
    return res;
  }
  return json_error(404, "not_found", "no such path in the admin API");
}

}  // namespace tether::http::api
