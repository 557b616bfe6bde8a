#pragma once
// Gateways in the registry database: create, read, update, list, delete (which also revokes the gateway's
// API keys). Every write bumps the registry version.

#include "registry/error.hpp"
#include "registry/gateway.hpp"
#include "storage/sqlite.hpp"

#include <string_view>
#include <vector>

namespace tether::registry {

class gateway_store {
 public:
  explicit gateway_store(storage::database& db) : db_(db) {}

  // Validates; already_exists, eui_in_use. Returns the stored gateway (with created_at).
  result<gateway> create(gateway g);
  // Replaces everything but the ID and created_at; validates; not_found, eui_in_use.
  result<gateway> update(gateway g);
  result<gateway> get(std::string_view gateway_id);
  std::vector<gateway> list();  // ordered by ID
  // not_found; deletes the gateway's API keys with it.
  result<void> remove(std::string_view gateway_id);

 private:
  storage::database& db_;
};

}  // namespace tether::registry
