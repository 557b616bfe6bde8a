#pragma once
// The IoT platform registry in SQLite (migration 9): organizations, device types, devices and gateways,
// resource groups. Every write bumps the registry version in its own transaction, so running servers
// see it within one poll; what a server records of connections does not (it is state, not
// configuration). Deleting an organization deletes everything in it; deleting a gateway deletes its
// default group. Tokens are stored hashed (registry_token.hpp) and returned once, by create_device().
// API keys are in registry_key_store.

#include "iotp/directory.hpp"
#include "iotp/registry_entities.hpp"
#include "iotp/registry_error.hpp"
#include "storage/sqlite.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tether::iotp {

// What a server saw of one device's connections since its last write (registry_directory coalesces).
struct connection_update {
  device_ref ref;
  bool connected = false;
  std::optional<std::int64_t> last_connect_at;     // Unix seconds, the latest seen
  std::optional<std::int64_t> last_disconnect_at;  // the same
};

// A device or gateway with its token hash, for the directory's cache.
struct stored_device {
  device_record record;
  std::string token_hash;  // empty for auto-registered devices: they have no token
};

class registry_store {
 public:
  explicit registry_store(storage::database& db) : db_(db) {}

  // invalid_org, already_exists.
  result<iot_org> create_org(std::string_view org);
  std::vector<iot_org> list_orgs();
  result<iot_org> get_org(std::string_view org);  // not_found
  result<void> remove_org(std::string_view org);  // not_found; everything in it goes too

  // invalid_org, invalid_type_id, unknown_org, already_exists.
  result<iot_type> create_type(std::string_view org, std::string_view type, type_class kind);
  result<std::vector<iot_type>> list_types(std::string_view org);  // unknown_org
  result<iot_type> get_type(std::string_view org, std::string_view type);
  result<void> remove_type(std::string_view org, std::string_view type);  // not_found, type_in_use

  // invalid_*, unknown_org, unknown_type, wrong_class, already_exists, unknown_group, too_many_groups,
  // group_full, default_group (a device joining a default group is fine; a gateway acting for another
  // gateway's default group is not).
  result<created_device> create_device(const new_device& d);
  // The devices or the gateways of an org, by type and ID; unknown_org.
  result<std::vector<iot_device>> list_devices(std::string_view org, type_class kind);
  result<iot_device> get_device(const device_ref& ref, type_class kind);  // not_found (also: other class)
  result<void> remove_device(const device_ref& ref, type_class kind);     // not_found

  // invalid_org, invalid_group_id, unknown_org, already_exists (a custom group; gateways have their
  // default group made for them).
  result<iot_group> create_group(std::string_view org, std::string_view group);
  result<std::vector<iot_group>> list_groups(std::string_view org);  // unknown_org
  result<iot_group> get_group(std::string_view org, std::string_view group);
  result<void> remove_group(std::string_view org, std::string_view group);  // not_found, default_group
  // A device joins or leaves a group: unknown_group, not_found (the device), wrong_class (a gateway),
  // already_exists, too_many_groups, group_full.
  result<void> add_member(std::string_view group, const device_ref& device);
  result<void> remove_member(std::string_view group, const device_ref& device);  // not_found

  // A privileged gateway registers `device` into its default group (the checks of
  // directory::register_device). `version` is set to the registry version after the write.
  registration_result register_for_gateway(const device_ref& device, const device_record& gateway,
                                           std::int64_t& version);

  // One transaction for all; a device deleted meanwhile is skipped.
  void write_connections(const std::vector<connection_update>& updates);
  // At a server's start: whatever a previous run left says "connected", and it is not.
  void mark_all_disconnected(std::chrono::system_clock::time_point at);

  // Every device and gateway with its groups and token hash (for the directory's cache).
  std::vector<stored_device> load_devices();

 private:
  result<void> check_org(std::string_view org);
  result<void> check_new_device(const new_device& d);
  result<void> join_groups(const new_device& d);
  std::vector<std::string> groups_of(const device_ref& ref, type_class kind);
  result<void> insert_member(std::string_view group, const device_ref& device);
  iot_group read_group(const storage::statement& s);

  storage::database& db_;
};

}  // namespace tether::iotp
