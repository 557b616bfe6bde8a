#pragma once
// Tells a running server what changed in the registry, so that changes made with the CLI take effect
// without a restart. The server calls poll() every watch_interval (from a timer on one thread); when
// the registry version moved, the watcher reloads the sets of IDs, works out what disappeared and calls
// the callback, which closes the connections that used a removed key, gateway or application and
// reloads any caches. The callback runs on the polling thread, inside poll().

#include "registry/change_counter.hpp"
#include "storage/sqlite.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace tether::registry {

constexpr std::chrono::milliseconds watch_interval{200};

struct registry_changes {
  std::int64_t version = 0;  // the registry version now loaded
  std::vector<std::string> removed_gateways;
  std::vector<std::string> removed_applications;
  std::vector<std::pair<std::string, std::string>> removed_devices;  // (application ID, device ID)
  // Revoked keys, including those removed with their gateway or application.
  std::vector<std::string> removed_keys;

  bool any_removed() const {
    return !removed_gateways.empty() || !removed_applications.empty() || !removed_devices.empty() ||
           !removed_keys.empty();
  }
};

class watcher {
 public:
  using callback = std::function<void(const registry_changes&)>;

  // Loads the current state (no callback for it). `db` must not be used by another thread meanwhile.
  watcher(storage::database& db, callback on_change);

  // One indexed read when nothing changed. When the version moved: reloads, diffs, calls the callback
  // (also when nothing was removed, e.g. after a create) and returns true.
  bool poll();
  std::int64_t version() const { return snapshot_.version; }

 private:
  struct snapshot {
    std::int64_t version = -1;
    std::set<std::string> gateways;
    std::set<std::string> applications;
    std::set<std::pair<std::string, std::string>> devices;
    std::set<std::string> keys;
  };
  snapshot load();

  storage::database& db_;
  change_counter counter_;
  callback on_change_;
  snapshot snapshot_;
};

}  // namespace tether::registry
