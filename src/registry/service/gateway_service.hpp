#pragma once
// The registry's gateways as both faces see them: `tether gateway ...` and /api/v1/gateways call these
// operations and print or send what they return. Input arrives as text; each error names the gateway
// or the field at fault (failure.hpp). Every write bumps the registry version, so a running server
// picks it up (registry/watcher.hpp).

#include "registry/gateway.hpp"
#include "registry/service/failure.hpp"
#include "storage/sqlite.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::registry {

// What create sets (unset: the default) and update changes (unset: unchanged).
struct gateway_fields {
  std::optional<std::string> eui;  // 16 hex digits; empty: no EUI
  std::optional<std::string> frequency_plan_id;
  std::optional<std::string> name;
  std::optional<registry::location> location;
  bool clear_location = false;  // update: remove the location
};

class gateway_service {
 public:
  explicit gateway_service(storage::database& db) : db_(db) {}

  // The fields' own errors (no registry needed): what create and update report first.
  static outcome<void> check(const gateway_fields& fields);

  outcome<gateway> create(std::string_view gateway_id, const gateway_fields& fields);
  outcome<gateway> update(std::string_view gateway_id, const gateway_fields& fields);
  outcome<gateway> get(std::string_view gateway_id);
  outcome<std::vector<gateway>> list();
  // Deletes the gateway's API keys with it.
  outcome<void> remove(std::string_view gateway_id);

 private:
  storage::database& db_;
};

// "gateway 'gw1'"
std::string gateway_subject(std::string_view gateway_id);

}  // namespace tether::registry
