#pragma once
// The four client ID classes of the IoT platform (spec A1): `d:org:type:id` (device),
// `g:org:type:id` (gateway), `a:org:app` (application) and `A:org:app[:instance]` (scalable
// application, one shared subscription per app ID). The leading letter is case sensitive. An org ID
// is 6 lowercase letters or digits; a type, device, app or instance ID is 1 to 36 of [A-Za-z0-9-_.].
// Pure functions: no allocation beyond the result, fuzzed by tests/fuzz/iotp_ids_fuzz.cpp.

#include <optional>
#include <string>
#include <string_view>

namespace tether::iotp {

enum class client_class : char { device = 'd', gateway = 'g', application = 'a', shared_application = 'A' };

struct client_identity {
  client_class kind = client_class::device;
  std::string org;
  std::string type;      // devices and gateways
  std::string id;        // devices and gateways: the device ID; applications: the app ID
  std::string instance;  // `A:` with an instance ID only
};

// Nullopt when `client_id` is of none of the four forms (the realm answers CONNACK 2, close code 166).
std::optional<client_identity> parse_client_id(std::string_view client_id);

bool valid_org_id(std::string_view org);
// A type, device, app or instance ID: 1..36 of [A-Za-z0-9], '-', '_', '.'.
bool valid_name(std::string_view name);

}  // namespace tether::iotp
