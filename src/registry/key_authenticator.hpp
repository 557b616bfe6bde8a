#pragma once
// Checks the API key a client presents (the MQTT password) for the gateway or application it claims
// (the MQTT username). Keys are cached in memory by key ID; each call reads only the registry version
// (one indexed row) and reloads the cache when it moved, so a key created or revoked with the CLI counts
// at the next CONNECT. Safe to call from any thread; give it its own database connection.

#include "registry/api_key.hpp"
#include "registry/change_counter.hpp"
#include "registry/key_store.hpp"
#include "storage/sqlite.hpp"

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tether::registry {

struct authenticated_key {
  std::string key_id;  // to find the connections to close when the key is revoked (watcher)
  registry::rights rights;
};

class key_authenticator {
 public:
  explicit key_authenticator(storage::database& db);

  // The key's ID and rights when `full_key` is an unrevoked key of exactly `entity` and its secret
  // matches (constant-time); nullopt otherwise (malformed, unknown, other owner, wrong secret).
  std::optional<authenticated_key> authenticate(const entity_ref& entity, std::string_view full_key);
  // The same, rights only.
  std::optional<rights> authenticate_key(const entity_ref& entity, std::string_view full_key);

  // Reloads the cache if the registry changed; returns the registry version the cache reflects.
  std::int64_t refresh();
  // Whether the key with this ID still exists (as of the last refresh). Connections check their key
  // with it after every registry change: a key created and revoked between two polls is caught too.
  bool is_active(std::string_view key_id);

 private:
  void refresh_locked();

  std::mutex mutex_;
  key_store store_;
  change_counter counter_;
  std::int64_t loaded_version_ = -1;
  std::unordered_map<std::string, stored_key> keys_;
};

}  // namespace tether::registry
