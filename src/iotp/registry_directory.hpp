#pragma once
// The directory the IoT platform realm asks (directory.hpp), over the SQLite registry (registry_store,
// registry_key_store). Reads come from an in-memory cache of every device, gateway and API key with
// their token hashes; refresh() reloads it when the registry version moved (one indexed read when it
// did not), and authenticate_*() refresh first so a device created with the CLI a moment ago can log in.
// register_device() writes through and updates the cache itself, so 200 registrations do not mean 200
// reloads. Locks: the database connection has one mutex, the cache a shared one (readers never wait
// for the database); the database mutex is always taken first.
//
// record_connection() only notes the latest state per device in memory; a writer thread with its own
// connection writes what gathered every flush_interval in one transaction (write-behind, never blocking
// the caller). Overflow: at most max_pending_connections distinct devices wait; a record for one more is
// dropped, counted (dropped_connection_records) and logged at warn at most once per 10 s. A failed write
// is counted and logged the same way. At start every device a previous run left "connected" is marked
// disconnected; at destruction what is pending is written.

#include "iotp/directory.hpp"
#include "iotp/registry_key_store.hpp"
#include "iotp/registry_store.hpp"
#include "registry/change_counter.hpp"
#include "storage/sqlite.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>

namespace tether::iotp {

struct registry_directory_options {
  std::chrono::milliseconds flush_interval{250};
  std::size_t max_pending_connections = 100'000;
};

class registry_directory final : public directory {
 public:
  // Opens two connections to the database at `database_path` (migrated by the caller), loads the cache.
  explicit registry_directory(const std::string& database_path, registry_directory_options options = {});
  ~registry_directory() override;
  registry_directory(const registry_directory&) = delete;
  registry_directory& operator=(const registry_directory&) = delete;

  std::optional<device_record> authenticate_device(const device_ref& who, std::string_view token) override;
  std::optional<api_key_record> authenticate_key(std::string_view org, std::string_view key,
                                                 std::string_view token) override;
  std::optional<device_record> find(const device_ref& ref) override;
  registration_result register_device(const device_ref& device, const device_record& gateway) override;
  std::int64_t refresh() override;
  bool is_active(const device_ref& ref) override;
  bool is_key_active(std::string_view key) override;
  void record_connection(const device_ref& ref, bool connected,
                         std::chrono::system_clock::time_point at) override;

  // Writes the pending connection records now (tests; the writer thread does it on its own).
  void flush_connections();
  std::uint64_t dropped_connection_records() const noexcept { return dropped_.load(); }

 private:
  struct cache {
    std::int64_t version = -1;
    std::unordered_map<std::string, stored_device> devices;  // by "org:type:id"
    std::unordered_map<std::string, stored_api_key> keys;    // by API key
  };

  void refresh_locked();  // holds db_mutex_
  void write_loop();
  void count_dropped(std::uint64_t n, const char* why);

  registry_directory_options options_;

  std::mutex db_mutex_;
  storage::database db_;
  registry_store store_;
  registry_key_store keys_;
  registry::change_counter counter_;

  std::shared_mutex cache_mutex_;
  cache cache_;
  const std::string dummy_hash_;  // compared against when no one has the name, so timing says nothing

  std::mutex writer_mutex_;  // the writer connection, used by the thread and flush_connections()
  storage::database writer_db_;
  std::mutex pending_mutex_;
  std::condition_variable wake_;
  std::unordered_map<std::string, connection_update> pending_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::int64_t> last_warn_{0};
  std::thread writer_;  // last: started when everything it uses exists
};

}  // namespace tether::iotp
