#pragma once
// Why a registry operation failed. The first group is bad input (a usage error on the command line,
// exit code 2); the second group is about the registry's contents (exit code 1).

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <type_traits>

namespace tether::registry {

enum class registry_error {
  ok = 0,
  // Bad input.
  invalid_id = 1,           // not a The Things Stack ID: 3-36 of a-z, 0-9 and single inner dashes
  invalid_hex,              // not hexadecimal
  wrong_length,             // EUI 8 bytes, DevAddr 4 bytes, AES key 16 bytes
  invalid_frequency_plan,   // not a frequency plan ID such as EU_863_870
  invalid_lorawan_version,  // not one of 1.0, 1.0.1, 1.0.2, 1.0.3, 1.0.4
  invalid_device_class,     // not A or C
  invalid_location,         // latitude outside [-90, 90], longitude outside [-180, 180], or not finite
  invalid_activation,  // neither complete OTAA (DevEUI, JoinEUI, AppKey) nor ABP (DevAddr, NwkSKey, AppSKey)
  invalid_name,        // over 50 characters or a control character
  unknown_right,       // not a gateway or application right of The Things Stack
  right_not_for_entity,  // a gateway right on an application key or the reverse
  no_rights,             // an API key needs at least one right
  invalid_api_key,       // not of the form NNSXS.<KEY ID>.<SECRET>
  // The registry's contents.
  already_exists = 100,  // an entity with this ID exists
  eui_in_use,            // another gateway has this EUI, or another device this JoinEUI/DevEUI pair
  not_found,             // no entity with this ID
  unknown_gateway,       // a reference to a gateway that does not exist
  unknown_application,   // a reference to an application that does not exist
};

const boost::system::error_category& registry_category() noexcept;

inline boost::system::error_code make_error_code(registry_error e) noexcept {
  return {static_cast<int>(e), registry_category()};
}

// The enumerator's name ("not_found", "invalid_hex"): what the admin API reports as "error".
const char* error_name(registry_error e) noexcept;

// True for errors in what the caller asked for (as opposed to what the registry holds).
bool is_invalid_input(const boost::system::error_code& ec) noexcept;

template <class T>
using result = boost::system::result<T>;

}  // namespace tether::registry

template <>
struct boost::system::is_error_code_enum<tether::registry::registry_error> : std::true_type {};
