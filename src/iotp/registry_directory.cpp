#include "iotp/registry_directory.hpp"

#include "iotp/registry_ids.hpp"
#include "iotp/registry_token.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tether::iotp {
namespace {

std::string key_of(const device_ref& ref) { return ref.org + ":" + ref.type + ":" + ref.id; }

std::int64_t unix_seconds(std::chrono::system_clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
}

std::optional<std::int64_t> later(std::optional<std::int64_t> a, std::int64_t b) {
  return a ? std::max(*a, b) : b;
}

// A deferred read transaction: one consistent snapshot without taking the write lock the CLI needs.
class read_transaction {
 public:
  explicit read_transaction(storage::database& db) : db_(db) { db_.exec("BEGIN"); }
  ~read_transaction() {
    try {
      db_.exec("COMMIT");
    } catch (const storage::storage_error& e) {
      spdlog::warn("iot registry: ending a read: {}", e.what());
    }
  }
  read_transaction(const read_transaction&) = delete;
  read_transaction& operator=(const read_transaction&) = delete;

 private:
  storage::database& db_;
};

}  // namespace

registry_directory::registry_directory(const std::string& database_path, registry_directory_options options)
    : options_(options),
      db_(database_path),
      store_(db_),
      keys_(db_),
      counter_(db_),
      dummy_hash_(hash_token(generate_token())),
      writer_db_(database_path) {
  store_.mark_all_disconnected(std::chrono::system_clock::now());
  {
    std::lock_guard lock(db_mutex_);
    refresh_locked();
  }
  writer_ = std::thread([this] { write_loop(); });
}

registry_directory::~registry_directory() {
  {
    std::lock_guard lock(pending_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
  flush_connections();
}

std::optional<device_record> registry_directory::authenticate_device(const device_ref& who,
                                                                     std::string_view token) {
  refresh();
  std::shared_lock lock(cache_mutex_);
  auto it = cache_.devices.find(key_of(who));
  if (it == cache_.devices.end()) {
    (void)token_matches(dummy_hash_, token);
    return std::nullopt;
  }
  if (!token_matches(it->second.token_hash, token)) return std::nullopt;
  return it->second.record;
}

std::optional<api_key_record> registry_directory::authenticate_key(std::string_view org, std::string_view key,
                                                                   std::string_view token) {
  refresh();
  std::shared_lock lock(cache_mutex_);
  auto it = cache_.keys.find(std::string(key));
  if (it == cache_.keys.end()) {
    (void)token_matches(dummy_hash_, token);
    return std::nullopt;
  }
  // The token is checked even when the org differs so that timing says nothing about either.
  const bool token_ok = token_matches(it->second.token_hash, token);
  if (!token_ok || it->second.record.org != org) return std::nullopt;
  return it->second.record;
}

std::optional<device_record> registry_directory::find(const device_ref& ref) {
  std::shared_lock lock(cache_mutex_);
  auto it = cache_.devices.find(key_of(ref));
  if (it == cache_.devices.end()) return std::nullopt;
  return it->second.record;
}

registration_result registry_directory::register_device(const device_ref& device,
                                                        const device_record& gateway) {
  if (device.org != gateway.ref.org) return registration_result::invalid_id;
  std::lock_guard lock(db_mutex_);
  std::int64_t version = 0;
  registration_result result = registration_result::failed;
  try {
    result = store_.register_for_gateway(device, gateway, version);
  } catch (const storage::storage_error& e) {
    spdlog::warn("iot registry: registering {} for gateway {}: {}", key_of(device), key_of(gateway.ref),
                 e.what());
    return registration_result::failed;
  }
  if (result == registration_result::already_exists) {
    refresh_locked();  // registered by someone else: make find() know it
  } else if (result == registration_result::registered) {
    const auto& gw = gateway.ref;
    stored_device d;
    d.record.ref = device;
    d.record.groups = {default_group_of(gw.org, gw.type, gw.id)};
    d.record.registered_by = gateway_client_id(gw.org, gw.type, gw.id);
    std::unique_lock cache_lock(cache_mutex_);
    cache_.devices[key_of(device)] = std::move(d);
    // Our own write is all that changed since the load: the cache is current without a reload.
    if (cache_.version == version - 1) cache_.version = version;
  }
  return result;
}

std::int64_t registry_directory::refresh() {
  std::lock_guard lock(db_mutex_);
  refresh_locked();
  std::shared_lock cache_lock(cache_mutex_);
  return cache_.version;
}

void registry_directory::refresh_locked() {
  const std::int64_t version = counter_.current();
  {
    std::shared_lock cache_lock(cache_mutex_);
    if (version == cache_.version) return;
  }
  cache fresh;
  fresh.version = version;
  {
    read_transaction t(db_);  // one consistent snapshot of devices and keys
    for (auto& d : store_.load_devices()) {
      auto key = key_of(d.record.ref);
      fresh.devices.emplace(std::move(key), std::move(d));
    }
    for (auto& k : keys_.load_all()) {
      auto key = k.record.key;
      fresh.keys.emplace(std::move(key), std::move(k));
    }
    fresh.version = counter_.current();
  }
  std::unique_lock cache_lock(cache_mutex_);
  cache_ = std::move(fresh);
}

bool registry_directory::is_active(const device_ref& ref) {
  std::shared_lock lock(cache_mutex_);
  return cache_.devices.contains(key_of(ref));
}

bool registry_directory::is_key_active(std::string_view key) {
  std::shared_lock lock(cache_mutex_);
  return cache_.keys.contains(std::string(key));
}

void registry_directory::record_connection(const device_ref& ref, bool connected,
                                           std::chrono::system_clock::time_point at) {
  const auto seconds = unix_seconds(at);
  {
    std::lock_guard lock(pending_mutex_);
    auto key = key_of(ref);
    auto it = pending_.find(key);
    if (it == pending_.end()) {
      if (pending_.size() < options_.max_pending_connections) {
        it = pending_.emplace(std::move(key), connection_update{ref}).first;
      }
    }
    if (it != pending_.end()) {
      auto& u = it->second;
      u.connected = connected;
      if (connected) {
        u.last_connect_at = later(u.last_connect_at, seconds);
      } else {
        u.last_disconnect_at = later(u.last_disconnect_at, seconds);
      }
      return;
    }
  }
  count_dropped(1, "too many devices waiting to be written");
}

void registry_directory::flush_connections() {
  std::unordered_map<std::string, connection_update> batch;
  std::lock_guard writer_lock(writer_mutex_);
  {
    std::lock_guard lock(pending_mutex_);
    batch.swap(pending_);
  }
  if (batch.empty()) return;
  std::vector<connection_update> updates;
  updates.reserve(batch.size());
  for (auto& [key, u] : batch) updates.push_back(std::move(u));
  try {
    registry_store(writer_db_).write_connections(updates);
  } catch (const storage::storage_error& e) {
    spdlog::warn("iot registry: writing connection states: {}", e.what());
    count_dropped(updates.size(), "the write failed");
  }
}

void registry_directory::write_loop() {
  std::unique_lock lock(pending_mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.flush_interval, [this] { return stopping_; });
    lock.unlock();
    flush_connections();
    lock.lock();
  }
}

void registry_directory::count_dropped(std::uint64_t n, const char* why) {
  const auto total = dropped_.fetch_add(n) + n;
  const auto now = unix_seconds(std::chrono::system_clock::now());
  auto last = last_warn_.load();
  if (now - last >= 10 && last_warn_.compare_exchange_strong(last, now)) {
    spdlog::warn("iot registry: dropped {} connection record(s) ({}); {} dropped in all", n, why, total);
  }
}

}  // namespace tether::iotp
