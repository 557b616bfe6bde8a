#pragma once
// End devices in the registry database, keyed by (application ID, device ID). An OTAA device's
// JoinEUI/DevEUI pair is unique across the registry. Every write bumps the registry version.

#include "registry/end_device.hpp"
#include "registry/error.hpp"
#include "storage/sqlite.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace tether::registry {

class device_store {
 public:
  explicit device_store(storage::database& db) : db_(db) {}

  // Validates; unknown_application, already_exists, eui_in_use.
  result<end_device> create(end_device d);
  // Changes what may change after creation: LoRaWAN version, class, frequency plan and name (keys and
  // activation are fixed); validates; not_found.
  result<end_device> update(end_device d);
  result<end_device> get(std::string_view application_id, std::string_view device_id);
  // unknown_application; ordered by device ID.
  result<std::vector<end_device>> list(std::string_view application_id);
  // The device of an application with this DevEUI, if any (a Data API downlink_claim names devices so).
  std::optional<end_device> find_by_dev_eui(std::string_view application_id, const core::eui64& dev_eui);
  // Every device of every application (for the network core's caches).
  std::vector<end_device> list_all();
  result<void> remove(std::string_view application_id, std::string_view device_id);  // not_found

 private:
  storage::database& db_;
};

}  // namespace tether::registry
