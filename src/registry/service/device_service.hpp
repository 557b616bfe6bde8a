#pragma once
// The registry's end devices as both faces see them (`tether device ...`,
// /api/v1/applications/{app}/devices); see gateway_service.hpp. A device is OTAA when it is given
// join_eui/app_key, ABP when given dev_addr/nwk_s_key/app_s_key (dev_eui goes with either); its keys
// and activation are fixed at creation, its settings can be updated.

#include "registry/end_device.hpp"
#include "registry/service/failure.hpp"
#include "storage/sqlite.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::registry {

// What update changes (unset: unchanged); create's defaults are end_device's.
struct device_settings {
  std::optional<std::string> device_class;  // "A" or "C"
  std::optional<std::string> lorawan_version;
  std::optional<std::string> frequency_plan_id;
  std::optional<std::string> name;
};

// What create takes: the identity and keys in hex, and the settings.
struct device_fields : device_settings {
  std::optional<std::string> dev_eui, join_eui, app_key;      // OTAA (dev_eui for ABP too)
  std::optional<std::string> dev_addr, nwk_s_key, app_s_key;  // ABP
};

class device_service {
 public:
  explicit device_service(storage::database& db) : db_(db) {}

  // The IDs' and fields' own errors (no registry needed): what create reports first.
  static outcome<void> check(std::string_view application_id, std::string_view device_id,
                             const device_fields& fields);

  outcome<end_device> create(std::string_view application_id, std::string_view device_id,
                             const device_fields& fields);
  outcome<end_device> update(std::string_view application_id, std::string_view device_id,
                             const device_settings& settings);
  outcome<end_device> get(std::string_view application_id, std::string_view device_id);
  outcome<std::vector<end_device>> list(std::string_view application_id);
  outcome<void> remove(std::string_view application_id, std::string_view device_id);

 private:
  storage::database& db_;
};

// "device 'app1/dev1'"
std::string device_subject(std::string_view application_id, std::string_view device_id);

}  // namespace tether::registry
