#include "http/event_access.hpp"

#include "http/bearer_auth.hpp"
#include "registry/key_authenticator.hpp"

#include <string>

namespace tether::http {

namespace {

// An admin key reads every feed: operators debug any device with the key they script the registry with.
bool is_admin_reader(registry::key_authenticator& keys, std::string_view token) {
  const auto admin = keys.authenticate_key({registry::entity_kind::admin, ""}, token);
  return admin && admin->contains(registry::right::admin_read);
}

}  // namespace

std::optional<response> check_event_access(registry::key_authenticator& keys, const feed_filter& filter,
                                           std::string_view authorization) {
  const auto token = bearer_token(authorization);
  if (token.empty()) return unauthorized("an API key is needed: Authorization: Bearer <key>");
  const bool gateway = !filter.gateway_id.empty();
  const registry::entity_ref entity{
      gateway ? registry::entity_kind::gateway : registry::entity_kind::application,
      gateway ? filter.gateway_id : filter.application_id};
  const auto rights = keys.authenticate_key(entity, token);
  if (!rights) {
    if (is_admin_reader(keys, token)) return std::nullopt;
    return unauthorized("the key is neither an API key of " + std::string(registry::to_string(entity.kind)) +
                        " " + entity.id + " nor an admin key with RIGHT_ADMIN_READ");
  }
  const bool allowed = gateway ? rights->contains(registry::right::gateway_status_read) ||
                                     rights->contains(registry::right::gateway_traffic_read)
                               : rights->contains(registry::right::application_traffic_read);
  if (!allowed) {
    return forbidden(gateway ? "the key needs RIGHT_GATEWAY_STATUS_READ or RIGHT_GATEWAY_TRAFFIC_READ"
                             : "the key needs RIGHT_APPLICATION_TRAFFIC_READ");
  }
  return std::nullopt;
}

}  // namespace tether::http
