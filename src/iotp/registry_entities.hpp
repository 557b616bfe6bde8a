#pragma once
// What the IoT platform registry holds, as plain structs: organizations, device types, devices and
// gateways (with how each was registered and what a running server last saw of it), resource groups and
// applications' API keys. Tokens never appear here except in the result of a create, which shows it once.

#include "iotp/directory.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::iotp {

struct iot_org {
  std::string org;
  std::int64_t created_at = 0;
};

struct iot_type {
  std::string org;
  std::string type;
  type_class kind = type_class::device;
  std::int64_t created_at = 0;
};

// How a device came into the registry.
enum class registration_source : std::uint8_t { cli, api, gateway };

struct iot_device {
  device_record record;  // ref, class, role (gateways), groups, registered_by
  registration_source source = registration_source::cli;
  std::int64_t created_at = 0;
  // What a running server last recorded (directory::record_connection); times in Unix seconds.
  bool connected = false;
  std::optional<std::int64_t> last_connect_at;
  std::optional<std::int64_t> last_disconnect_at;
  std::optional<std::string> last_location;  // JSON, written by device management (a later issue)
};

// A device or gateway to create. An empty token is generated.
struct new_device {
  device_ref ref;
  type_class kind = type_class::device;
  std::string token;
  gateway_role role = gateway_role::privileged;
  // A device: the groups to join. A gateway: the groups it acts for besides its default group.
  std::vector<std::string> groups;
  registration_source source = registration_source::cli;
};

struct created_device {
  iot_device device;
  std::string token;  // show it once
};

struct iot_group {
  std::string org;
  std::string group;
  std::optional<device_ref> owner;  // the gateway whose default group this is
  std::int64_t created_at = 0;
  std::vector<device_ref> members;   // devices in the group
  std::vector<device_ref> gateways;  // gateways acting for it
};

struct iot_api_key {
  api_key_record record;
  std::int64_t created_at = 0;
};

struct created_api_key {
  iot_api_key key;
  std::string token;  // show it once
};

std::string_view to_string(type_class kind) noexcept;
std::string_view to_string(gateway_role role) noexcept;
std::string_view to_string(registration_source source) noexcept;
std::optional<type_class> parse_type_class(std::string_view text) noexcept;
std::optional<gateway_role> parse_gateway_role(std::string_view text) noexcept;
std::optional<registration_source> parse_registration_source(std::string_view text) noexcept;

}  // namespace tether::iotp
