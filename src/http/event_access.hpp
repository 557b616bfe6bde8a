#pragma once
// Who may follow an event feed (GET /api/v1/events), with a key in `Authorization: Bearer`: an admin
// key with RIGHT_ADMIN_READ (RIGHT_ADMIN_ALL implies it) follows any feed; otherwise the entity's own
// API key with a right to read its traffic: ?application=ID needs a key of that application with
// RIGHT_APPLICATION_TRAFFIC_READ (LINK and ALL imply it); ?gateway=ID a key of that gateway with
// RIGHT_GATEWAY_STATUS_READ or RIGHT_GATEWAY_TRAFFIC_READ (ALL implies both). No or a wrong key: 401
// "unauthorized"; a key without the right: 403 "forbidden" (the admin API's names).

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

}  // namespace tether::http
