#pragma once
// Versioned schema changes, applied in order at start. Each module (registry, MQTT state, device
// sessions, ...) contributes numbered steps to one list; the database remembers the highest step
// applied (PRAGMA user_version) and a server refuses to run on a database newer than itself.

#include "storage/sqlite.hpp"

#include <span>
#include <string_view>

namespace tether::storage {

struct migration {
  int version;           // strictly increasing across the whole list
  std::string_view sql;  // one or more statements
};

// All of Tether's migrations, in order (see migrations.cpp).
std::span<const migration> schema_migrations();

// Applies the steps newer than the database's version, each in its own transaction. Throws
// storage_error when the database carries a version this binary does not know.
void migrate(database& db, std::span<const migration> steps = schema_migrations());

int schema_version(database& db);

}  // namespace tether::storage
