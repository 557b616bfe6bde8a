#pragma once
// The broker address of an outbound connector (spec/everynet.md B1): mqtt:// (TCP, default port 1883),
// mqtts:// (TLS, 8883), ws:// (WebSocket, 80) and wss:// (WebSocket over TLS, 443); WebSocket URIs
// may carry a path (default /mqtt). Credentials ride in the userinfo, percent-encoded
// (mqtts://user:p%40ss@host); a query on the user name (AWS IoT custom authorizers:
// `name?x-amz-customauthorizer-name=A&x-amz-customauthorizer-signature=S`) is kept exactly as given,
// since the broker reads it encoded. A URI that is not one of these is refused with the reason.

#include "application/connector/connector_config.hpp"

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace tether::application::connector {

// Why a URI is refused, in one sentence ("unknown scheme 'http': use mqtt://, mqtts://, ws:// or wss://").
using uri_result = boost::system::result<broker_uri, std::string>;

uri_result parse_broker_uri(std::string_view text);

// "mqtts", "ws", ...
std::string_view scheme_name(uri_scheme scheme);
// The URI without its password (shown by `connector show`, written in logs): mqtts://user:***@host:8883.
std::string redact_password(std::string_view uri);

}  // namespace tether::application::connector
