#pragma once
// Why an IoT platform registry operation failed. The first group is bad input (a usage error on the
// command line, exit code 2); the second is about what the registry holds (exit code 1).

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <type_traits>

namespace tether::iotp {

enum class iot_error {
  ok = 0,
  // Bad input.
  invalid_org = 1,    // not 6 lowercase letters and digits
  invalid_type_id,    // not 1-36 of A-Z, a-z, 0-9, '-', '_', '.'
  invalid_device_id,  // the same rule
  invalid_class,      // not device or gateway
  invalid_token,      // not 8-36 printable ASCII characters without spaces
  invalid_role,       // a gateway: not standard or privileged; a key: not like PD_STANDARD_APP
  invalid_group_id,   // not 1-128 of A-Z, a-z, 0-9, '-', '_', '.', ':'
  invalid_api_key,    // not a-{org}-{10 lowercase letters and digits}
  // The registry's contents.
  already_exists = 100,
  not_found,
  unknown_org,      // a reference to an organization that does not exist
  unknown_type,     // a reference to a device type that does not exist in the organization
  wrong_class,      // a device of a gateway type or a gateway of a device type
  type_in_use,      // a device type with devices cannot be deleted
  unknown_group,    // a reference to a resource group that does not exist in the organization
  too_many_groups,  // a device in 10 groups, or a gateway acting for 10
  group_full,       // a resource group with 300 devices
  default_group,    // a gateway's default group goes only with its gateway
};

const boost::system::error_category& iot_category() noexcept;

inline boost::system::error_code make_error_code(iot_error e) noexcept {
  return {static_cast<int>(e), iot_category()};
}

// True for errors in what the caller asked for (as opposed to what the registry holds).
bool is_invalid_input(const boost::system::error_code& ec) noexcept;

template <class T>
using result = boost::system::result<T>;

}  // namespace tether::iotp

template <>
struct boost::system::is_error_code_enum<tether::iotp::iot_error> : std::true_type {};
