#include "registry/watcher.hpp"

#include <algorithm>
#include <iterator>

namespace tether::registry {

namespace {

template <class T>
std::vector<T> removed(const std::set<T>& before, const std::set<T>& after) {
  std::vector<T> out;
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(out));
  return out;
}

std::set<std::string> load_ids(storage::database& db, std::string_view sql) {
  std::set<std::string> out;
  auto s = db.prepare(sql);
  while (s.step()) out.insert(s.column_text(0));
  return out;
}

}  // namespace

watcher::watcher(storage::database& db, callback on_change)
    : db_(db), counter_(db), on_change_(std::move(on_change)), snapshot_(load()) {}

watcher::snapshot watcher::load() {
  snapshot s;
  // One read transaction so that the IDs and the version agree.
  db_.exec("BEGIN");
  try {
    s.version = counter_.current();
    s.gateways = load_ids(db_, "SELECT gateway_id FROM gateways");
    s.applications = load_ids(db_, "SELECT application_id FROM applications");
    s.keys = load_ids(db_, "SELECT key_id FROM api_keys");
    auto devices = db_.prepare("SELECT application_id, device_id FROM end_devices");
    while (devices.step()) s.devices.emplace(devices.column_text(0), devices.column_text(1));
  } catch (...) {
    db_.exec("ROLLBACK");
    throw;
  }
  db_.exec("COMMIT");
  return s;
}

bool watcher::poll() {
  if (!counter_.changed_since(snapshot_.version)) return false;
  snapshot next = load();
  registry_changes changes;
  changes.version = next.version;
  changes.removed_gateways = removed(snapshot_.gateways, next.gateways);
  changes.removed_applications = removed(snapshot_.applications, next.applications);
  changes.removed_devices = removed(snapshot_.devices, next.devices);
  changes.removed_keys = removed(snapshot_.keys, next.keys);
  snapshot_ = std::move(next);
  if (on_change_) on_change_(changes);
  return true;
}

}  // namespace tether::registry
