#pragma once
// A gateway's connection facts as JSON (stored in gateway_state, printed by `tether gateway show`):
// field names in The Things Stack's style (snake_case, timestamps RFC 3339, bytes base64).

#include "gateway/hub.hpp"

#include <string>

namespace tether::gateway {

std::string to_json(const gateway_snapshot& s);

}  // namespace tether::gateway
