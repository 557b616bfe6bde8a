// The error category of the registry: one message per reason a request is refused.

#include "registry/error.hpp"

#include <string>

namespace tether::registry {
namespace {

const char* describe(registry_error e) noexcept {
  switch (e) {
    case registry_error::ok:
      return "success";
    case registry_error::invalid_id:
      return "invalid ID: use 3 to 36 lowercase letters, digits and dashes, no leading, trailing or double "
             "dash";
    case registry_error::invalid_hex:
      return "not a hexadecimal value";
    case registry_error::wrong_length:
      return "wrong length (an EUI is 8 bytes, a DevAddr 4 bytes, an AES key 16 bytes)";
    case registry_error::invalid_frequency_plan:
      return "invalid frequency plan ID (for example EU_863_870)";
    case registry_error::invalid_lorawan_version:
      return "unsupported LoRaWAN version (use 1.0, 1.0.1, 1.0.2, 1.0.3 or 1.0.4)";
    case registry_error::invalid_device_class:
      return "invalid device class (use A or C)";
    case registry_error::invalid_location:
      return "invalid location (latitude -90..90, longitude -180..180)";
    case registry_error::invalid_activation:
      return "a device needs either --dev-eui, --join-eui and --app-key (OTAA) or --dev-addr, --nwk-s-key "
             "and "
             "--app-s-key (ABP), not both";
    case registry_error::invalid_name:
      return "invalid name (at most 50 characters, no control characters)";
    case registry_error::unknown_right:
      return "unknown right (use gateway or application rights such as RIGHT_GATEWAY_LINK)";
    case registry_error::right_not_for_entity:
      return "right does not apply to this kind of entity";
    case registry_error::no_rights:
      return "an API key needs at least one right";
    case registry_error::invalid_api_key:
      return "not an API key of the form NNSXS.<KEY ID>.<SECRET>";
    case registry_error::already_exists:
      return "already exists";
    case registry_error::eui_in_use:
      return "EUI already in use";
    case registry_error::not_found:
      return "not found";
    case registry_error::unknown_gateway:
      return "unknown gateway";
    case registry_error::unknown_application:
      return "unknown application";
  }
  return "unknown registry error";
}

}  // namespace

const char* error_name(registry_error e) noexcept {
  switch (e) {
    case registry_error::ok:
      return "ok";
    case registry_error::invalid_id:
      return "invalid_id";
    case registry_error::invalid_hex:
      return "invalid_hex";
    case registry_error::wrong_length:
      return "wrong_length";
    case registry_error::invalid_frequency_plan:
      return "invalid_frequency_plan";
    case registry_error::invalid_lorawan_version:
      return "invalid_lorawan_version";
    case registry_error::invalid_device_class:
      return "invalid_device_class";
    case registry_error::invalid_location:
      return "invalid_location";
    case registry_error::invalid_activation:
      return "invalid_activation";
    case registry_error::invalid_name:
      return "invalid_name";
    case registry_error::unknown_right:
      return "unknown_right";
    case registry_error::right_not_for_entity:
      return "right_not_for_entity";
    case registry_error::no_rights:
      return "no_rights";
    case registry_error::invalid_api_key:
      return "invalid_api_key";
    case registry_error::already_exists:
      return "already_exists";
    case registry_error::eui_in_use:
      return "eui_in_use";
    case registry_error::not_found:
      return "not_found";
    case registry_error::unknown_gateway:
      return "unknown_gateway";
    case registry_error::unknown_application:
      return "unknown_application";
  }
  return "unknown_registry_error";
}

namespace {

class registry_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "tether.registry"; }
  std::string message(int ev) const override { return describe(static_cast<registry_error>(ev)); }
};

}  // namespace

const boost::system::error_category& registry_category() noexcept {
  static const registry_category_impl instance;
  return instance;
}

bool is_invalid_input(const boost::system::error_code& ec) noexcept {
  return ec.category() == registry_category() && ec.value() > 0 &&
         ec.value() < static_cast<int>(registry_error::already_exists);
}

}  // namespace tether::registry
