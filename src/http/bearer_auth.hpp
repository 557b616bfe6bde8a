#pragma once
// `Authorization: Bearer <key>` for every HTTP endpoint that takes a key (the admin API, the event
// feed): one parser and one pair of refusals, so that both answer a missing or wrong key the same way.

#include "http/router.hpp"

#include <string_view>

namespace tether::http {

// The credentials of an `Authorization: Bearer <token>` header (the scheme in any case); "" otherwise.
std::string_view bearer_token(std::string_view authorization);

response unauthorized(std::string_view message);  // 401 "unauthorized", with WWW-Authenticate: Bearer
response forbidden(std::string_view message);     // 403 "forbidden"

}  // namespace tether::http
