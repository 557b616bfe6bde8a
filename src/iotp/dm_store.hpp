#pragma once
// What device management keeps in the IoT registry (migration 12, iot_dm_*): each managed device's
// state (managed or dormant, lifetime, supports, deviceInfo, metadata, mgmt.firmware), its location
// (iot_devices.last_location), error codes and logs (the oldest dropped beyond the bounds), and the
// server → device requests. These writes are state, not configuration: the registry version stays.
// Not thread-safe: one store per connection, used by one thread at a time.

#include "iotp/directory.hpp"
#include "iotp/dm_action.hpp"
#include "iotp/dm_messages.hpp"
#include "storage/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tether::iotp {

struct dm_device_state {
  bool managed = false;
  bool dormant = false;  // the lifetime lapsed without a new manage
  std::int64_t lifetime = 0;
  std::optional<std::int64_t> managed_at, expires_at;  // Unix seconds
  nlohmann::json supports = nlohmann::json::object();
  nlohmann::json metadata = nlohmann::json::object();
  nlohmann::json device_info = nlohmann::json::object();
  nlohmann::json firmware;  // null until reported or set
  std::string via;          // the gateway client that manages it, empty for a device on its own
};

struct dm_error_code {
  std::int64_t code = 0;
  std::int64_t at = 0;
};

struct dm_bounds {
  std::size_t max_error_codes = 100;
  std::size_t max_logs = 100;
  std::size_t max_log_bytes = 500 * 1024;  // A3's quota per device
};

class dm_store {
 public:
  explicit dm_store(storage::database& db, dm_bounds bounds = {}) : db_(db), bounds_(bounds) {}

  bool device_exists(const device_ref& ref);
  void manage(const device_ref& ref, const manage_request& m, std::int64_t now, const std::string& via);
  void unmanage(const device_ref& ref);
  // Managed devices whose lifetime lapsed become dormant and unmanaged; returns them.
  std::vector<device_ref> expire_lifetimes(std::int64_t now);
  std::optional<dm_device_state> state(const device_ref& ref);

  void set_location(const device_ref& ref, const nlohmann::json& location);
  // Each returns how many old entries were dropped to stay within the bounds.
  std::size_t add_error_code(const device_ref& ref, std::int64_t code, std::int64_t now);
  void clear_error_codes(const device_ref& ref);
  std::vector<dm_error_code> error_codes(const device_ref& ref);
  std::size_t add_log(const device_ref& ref, const log_entry& e);
  void clear_logs(const device_ref& ref);
  std::vector<log_entry> logs(const device_ref& ref);
  // A notify: the attributes it names replace the stored ones.
  void apply_fields(const device_ref& ref, const std::vector<dm_field>& fields);

  // Requests: created pending by the CLI, updated by the server.
  void create_request(const dm_request& r);
  void update_request(const dm_request& r);
  std::optional<dm_request> request(const std::string& req_id);
  std::vector<dm_request> requests_of(const std::string& org);
  std::vector<dm_request> open_requests();  // pending, sent, in_progress; oldest first

 private:
  void ensure_row(const device_ref& ref);
  void set_column(const device_ref& ref, const char* column, const nlohmann::json& value);
  std::vector<dm_request> read_requests(storage::statement& s);

  storage::database& db_;
  dm_bounds bounds_;
};

}  // namespace tether::iotp
