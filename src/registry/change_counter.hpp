#pragma once
// The registry version: one row bumped in the same transaction as every registry write (by this process
// or another, such as the `tether` CLI next to a running server). Readers compare it with the version
// they loaded to learn, with one indexed read, whether their caches are stale.

#include "storage/sqlite.hpp"

#include <cstdint>

namespace tether::registry {

class change_counter {
 public:
  explicit change_counter(storage::database& db);

  std::int64_t current();
  bool changed_since(std::int64_t version) { return current() != version; }

 private:
  storage::statement read_;
};

// Call inside the write's transaction.
void bump_registry_version(storage::database& db);

// Unix seconds, for created_at.
std::int64_t unix_now();

}  // namespace tether::registry
