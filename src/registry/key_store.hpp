#pragma once
// API keys in the registry database. A key belongs to one gateway or one application and is deleted
// with it, or is an admin key (entity_kind::admin, an empty owner ID) of the HTTP admin API. The full key is
// returned once by create() and never again: only the SHA-256 of its secret is stored (key_format.hpp). Every
// write bumps the registry version.

#include "registry/api_key.hpp"
#include "registry/error.hpp"
#include "storage/sqlite.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tether::registry {

struct created_key {
  api_key key;
  std::string full_key;  // NNSXS.<KEY ID>.<SECRET>: show it to the user once
};

// A key as stored, for authentication.
struct stored_key {
  api_key key;
  std::string secret_hash;
};

class key_store {
 public:
  explicit key_store(storage::database& db) : db_(db) {}

  // invalid_id, no_rights, right_not_for_entity, unknown_gateway / unknown_application, invalid_name.
  result<created_key> create(const entity_ref& owner, const rights& granted, std::string_view name = {});
  // The owner's keys ordered by creation (every admin key for {admin, ""}); unknown_gateway /
  // unknown_application.
  result<std::vector<api_key>> list(const entity_ref& owner);
  result<api_key> get(std::string_view key_id);  // not_found
  result<void> remove(std::string_view key_id);  // not_found (revocation)
  // A new display name; invalid_name, not_found.
  result<api_key> rename(std::string_view key_id, std::string_view name);
  // Every key with its hash (for key_authenticator's cache).
  std::vector<stored_key> load_all();

 private:
  storage::database& db_;
};

}  // namespace tether::registry
