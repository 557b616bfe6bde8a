#pragma once
// What the IoT platform realm (iotp/) asks of its registry: who a client is, which devices a gateway
// may act for, and registering a device a gateway speaks for. The SQLite implementation lives with
// the registry (iotp/registry_directory.*); tests may use an in-memory one. Every method is safe to
// call from any worker thread. Reads come from a cache that refresh() reloads when the registry
// version moved, so a CLI change counts within one poll; register_device() writes through at once.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::iotp {

// A device or gateway: `d:org:type:id` and `g:org:type:id` name one the same way.
struct device_ref {
  std::string org;
  std::string type;
  std::string id;
  friend bool operator==(const device_ref&, const device_ref&) = default;
};

enum class type_class : std::uint8_t { device, gateway };
enum class gateway_role : std::uint8_t { standard, privileged };

struct device_record {
  device_ref ref;
  type_class kind = type_class::device;
  gateway_role role = gateway_role::privileged;  // gateways only; privileged by default, as on the platform
  // A device: the resource groups it is in. A gateway: the groups it may act for (its default group
  // `gw_def_res_grp:org:type:id` first); a gateway with none may act for any device of its org.
  std::vector<std::string> groups;
  std::string registered_by;  // empty: by the CLI or API; else the gateway client ID that auto-registered it
};

struct api_key_record {
  std::string org;
  std::string key;   // a-{org}-{10 chars}
  std::string role;  // as given at creation; empty: full application rights
};

enum class registration_result : std::uint8_t {
  registered,      // created now, into the gateway's default group
  already_exists,  // someone registered it meanwhile: go on as if registered
  invalid_type,    // no such device type in the org, or its class is gateway
  invalid_id,      // the ID breaks the platform's rules
  limit_reached,   // the group's or the org's device limit
  failed,          // the store refused the write (the reason was logged)
};

class directory {
 public:
  virtual ~directory() = default;

  // The device or gateway when it exists and `token` matches its stored hash (constant time).
  virtual std::optional<device_record> authenticate_device(const device_ref& who, std::string_view token) = 0;
  // The application key when `key` belongs to `org` and `token` matches.
  virtual std::optional<api_key_record> authenticate_key(std::string_view org, std::string_view key,
                                                         std::string_view token) = 0;
  virtual std::optional<device_record> find(const device_ref& ref) = 0;
  // Registers `device` for the gateway (may block on the store: call it off the worker threads).
  virtual registration_result register_device(const device_ref& device, const device_record& gateway) = 0;

  // Reloads the cache if the registry changed; returns the version the cache reflects.
  virtual std::int64_t refresh() = 0;
  // Whether a client that logged in as this still may (after refresh): a deleted device or gateway,
  // a deleted org or a revoked key is disconnected by the realm's owner.
  virtual bool is_active(const device_ref& ref) = 0;
  virtual bool is_key_active(std::string_view key) = 0;

  // What `tether iot device show` tells of a running server: written behind, never blocks.
  virtual void record_connection(const device_ref& ref, bool connected,
                                 std::chrono::system_clock::time_point at) = 0;
};

}  // namespace tether::iotp
