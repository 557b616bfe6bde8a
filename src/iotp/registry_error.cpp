// The error category of the IoT platform registry: one message per reason a request is refused.

#include "iotp/registry_error.hpp"

#include <string>

namespace tether::iotp {
namespace {

const char* describe(iot_error e) noexcept {
  switch (e) {
    case iot_error::ok:
      return "success";
    case iot_error::invalid_org:
      return "invalid organization ID: use exactly 6 lowercase letters and digits";
    case iot_error::invalid_type_id:
      return "invalid device type ID: use 1 to 36 letters, digits, '-', '_' and '.'";
    case iot_error::invalid_device_id:
      return "invalid device ID: use 1 to 36 letters, digits, '-', '_' and '.'";
    case iot_error::invalid_class:
      return "invalid class: use device or gateway";
    case iot_error::invalid_token:
      return "invalid token: use 8 to 36 printable ASCII characters without spaces";
    case iot_error::invalid_role:
      return "invalid role";
    case iot_error::invalid_group_id:
      return "invalid resource group ID: use 1 to 128 letters, digits, '-', '_', '.' and ':'";
    case iot_error::invalid_api_key:
      return "invalid API key: it looks like a-<org>-<10 lowercase letters and digits>";
    case iot_error::already_exists:
      return "already exists";
    case iot_error::not_found:
      return "not found";
    case iot_error::unknown_org:
      return "unknown organization";
    case iot_error::unknown_type:
      return "unknown device type";
    case iot_error::wrong_class:
      return "the device type is of the other class (device or gateway)";
    case iot_error::type_in_use:
      return "the device type still has devices: delete them first";
    case iot_error::unknown_group:
      return "unknown resource group";
    case iot_error::too_many_groups:
      return "already in 10 resource groups, the most there may be";
    case iot_error::group_full:
      return "the resource group already has 300 devices, the most there may be";
    case iot_error::default_group:
      return "a gateway's default resource group is deleted only with its gateway";
  }
  return "unknown IoT registry error";
}

class iot_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "tether.iotp.registry"; }
  std::string message(int ev) const override { return describe(static_cast<iot_error>(ev)); }
};

}  // namespace

const boost::system::error_category& iot_category() noexcept {
  static const iot_category_impl instance;
  return instance;
}

bool is_invalid_input(const boost::system::error_code& ec) noexcept {
  return ec.category() == iot_category() && ec.value() > 0 &&
         ec.value() < static_cast<int>(iot_error::already_exists);
}

}  // namespace tether::iotp
