#pragma once
// Input checks shared by the stores and the command line: parsing of hex fields, version, class and
// rights, and whole-entity validation. Errors say what is wrong (registry_error), callers add which field.

#include "core/aes_key.hpp"
#include "core/dev_addr.hpp"
#include "core/eui64.hpp"
#include "registry/api_key.hpp"
#include "registry/application.hpp"
#include "registry/end_device.hpp"
#include "registry/error.hpp"
#include "registry/gateway.hpp"
#include "registry/rights.hpp"

#include <string_view>

namespace tether::registry {

// invalid_hex or wrong_length.
result<core::eui64> parse_eui(std::string_view hex);
result<core::dev_addr> parse_dev_addr(std::string_view hex);
result<core::aes_key> parse_aes_key(std::string_view hex);

result<device_class> parse_device_class(std::string_view text);  // "A"/"C", either case
result<std::string> parse_lorawan_version(
    std::string_view text);  // "1.0.3" (a leading "v" or "MAC_V1_0_3" too)
// Comma-separated right names; unknown_right, or no_rights for an empty list.
result<registry::rights> parse_rights(std::string_view list);

result<void> validate(const gateway& g);
result<void> validate(const application& a);
result<void> validate(const end_device& d);
// The rights must be non-empty and all of the owner's kind (right_not_for_entity otherwise).
result<void> validate_key_rights(entity_kind owner, const registry::rights& granted);

}  // namespace tether::registry
