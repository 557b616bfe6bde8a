#include "registry/key_authenticator.hpp"

#include "registry/key_format.hpp"

namespace tether::registry {

key_authenticator::key_authenticator(storage::database& db) : store_(db), counter_(db) {}

std::optional<authenticated_key> key_authenticator::authenticate(const entity_ref& entity,
                                                                 std::string_view full_key) {
  auto parts = parse_key(full_key);
  if (!parts) return std::nullopt;
  const std::string presented = hash_secret(parts->secret);
  std::lock_guard lock(mutex_);
  refresh_locked();
  auto it = keys_.find(parts->key_id);
  if (it == keys_.end()) return std::nullopt;
  const stored_key& stored = it->second;
  // Compare the secret even when the owner differs so that timing says nothing about either.
  const bool secret_ok = hashes_equal(presented, stored.secret_hash);
  if (!secret_ok || stored.key.owner != entity) return std::nullopt;
  return authenticated_key{stored.key.key_id, stored.key.rights};
}

std::optional<rights> key_authenticator::authenticate_key(const entity_ref& entity,
                                                          std::string_view full_key) {
  auto key = authenticate(entity, full_key);
  if (!key) return std::nullopt;
  return key->rights;
}

std::int64_t key_authenticator::refresh() {
  std::lock_guard lock(mutex_);
  refresh_locked();
  return loaded_version_;
}

bool key_authenticator::is_active(std::string_view key_id) {
  std::lock_guard lock(mutex_);
  return keys_.contains(std::string(key_id));
}

void key_authenticator::refresh_locked() {
  const std::int64_t version = counter_.current();
  if (version == loaded_version_) return;
  std::unordered_map<std::string, stored_key> keys;
  for (auto& k : store_.load_all()) {
    std::string id = k.key.key_id;
    keys.emplace(std::move(id), std::move(k));
  }
  keys_ = std::move(keys);
  loaded_version_ = version;
}

}  // namespace tether::registry
