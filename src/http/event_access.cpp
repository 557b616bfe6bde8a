#include "http/event_access.hpp"

#include "registry/key_authenticator.hpp"

#include <algorithm>
#include <cctype>

namespace tether::http {

std::string_view bearer_token(std::string_view authorization) {
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size()) return {};
  const bool matches = std::equal(scheme.begin(), scheme.end(), authorization.begin(), [](char a, char b) {
    return a == std::tolower(static_cast<unsigned char>(b));
  });
  if (!matches) return {};
  auto token = authorization.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

std::optional<response> check_event_access(registry::key_authenticator& keys, const feed_filter& filter,
                                           std::string_view authorization) {
  const auto token = bearer_token(authorization);
  if (token.empty()) {
    auto r = json_error(401, "unauthenticated", "an API key is needed: Authorization: Bearer <key>");
    return r;
  }
  const bool gateway = !filter.gateway_id.empty();
  const registry::entity_ref entity{
      gateway ? registry::entity_kind::gateway : registry::entity_kind::application,
      gateway ? filter.gateway_id : filter.application_id};
  const auto rights = keys.authenticate_key(entity, token);
  if (!rights) {
    return json_error(401, "unauthenticated",
                      "the key is not a valid API key of " + std::string(registry::to_string(entity.kind)) +
                          " " + entity.id);
  }
  const bool allowed = gateway ? rights->contains(registry::right::gateway_status_read) ||
                                     rights->contains(registry::right::gateway_traffic_read)
                               : rights->contains(registry::right::application_traffic_read);
  if (!allowed) {
    return json_error(403, "permission_denied",
                      gateway ? "the key needs RIGHT_GATEWAY_STATUS_READ or RIGHT_GATEWAY_TRAFFIC_READ"
                              : "the key needs RIGHT_APPLICATION_TRAFFIC_READ");
  }
  return std::nullopt;
}

}  // namespace tether::http
