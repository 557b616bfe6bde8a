#pragma once
// Who may follow an event feed (GET /api/v1/events). One function, so that the admin API's check (an
// admin key in `Authorization: Bearer`) can take its place or join it. For now the entity's own API
// key, presented as `Authorization: Bearer NNSXS....`, with a right to read its traffic:
// ?application=ID needs a key of that application with RIGHT_APPLICATION_TRAFFIC_READ (LINK and ALL
// imply it); ?gateway=ID a key of that gateway with RIGHT_GATEWAY_STATUS_READ or
// RIGHT_GATEWAY_TRAFFIC_READ (ALL implies both). No or a wrong key: 401; a key without the right: 403.

#include "http/event_feed.hpp"
#include "http/router.hpp"

#include <optional>
#include <string_view>

namespace tether::registry {
class key_authenticator;
}

namespace tether::http {

// nullopt when allowed; otherwise the refusal to send.
std::optional<response> check_event_access(registry::key_authenticator& keys, const feed_filter& filter,
                                           std::string_view authorization);

// The credentials of an `Authorization: Bearer <token>` header (the scheme in any case); "" otherwise.
std::string_view bearer_token(std::string_view authorization);

}  // namespace tether::http
