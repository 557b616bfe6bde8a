#include "registry/change_counter.hpp"

#include <chrono>

namespace tether::registry {

change_counter::change_counter(storage::database& db)
    : read_(db.prepare("SELECT version FROM registry_version WHERE id = 1")) {}

std::int64_t change_counter::current() {
  std::int64_t version = 0;
  if (read_.step()) version = read_.column_int(0);
  read_.reset();
  return version;
}

void bump_registry_version(storage::database& db) {
  db.prepare("UPDATE registry_version SET version = version + 1 WHERE id = 1").run();
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tether::registry
