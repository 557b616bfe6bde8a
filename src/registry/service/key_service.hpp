#pragma once
// API keys as both faces see them (`tether key ...`, /api/v1/.../keys): keys of a gateway, of an
// application, or admin keys of the HTTP admin API ({entity_kind::admin, ""}). The full key is
// returned once, by create; only a hash of its secret is stored (key_format.hpp).

#include "registry/api_key.hpp"
#include "registry/key_store.hpp"
#include "registry/service/failure.hpp"
#include "storage/sqlite.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tether::registry {

class key_service {
 public:
  explicit key_service(storage::database& db) : db_(db) {}

  // `rights`: comma-separated right names of the owner's kind, e.g. "RIGHT_GATEWAY_LINK".
  outcome<created_key> create(const entity_ref& owner, std::string_view rights, std::string_view name);
  outcome<std::vector<api_key>> list(const entity_ref& owner);
  outcome<api_key> get(std::string_view key_id);
  outcome<void> remove(std::string_view key_id);  // revocation
  // The display name: what update changes (rights and owner are fixed at creation).
  outcome<api_key> update(std::string_view key_id, std::string_view name);

 private:
  storage::database& db_;
};

// "gateway 'gw1'", "application 'app1'", "admin"
std::string owner_subject(const entity_ref& owner);
// "API key 'KEYID'"
std::string key_subject(std::string_view key_id);
// The rights named by a comma-separated list, all of `owner`'s kind, or why not (field "rights").
outcome<registry::rights> parse_key_rights(entity_kind owner, std::string_view list);

}  // namespace tether::registry
