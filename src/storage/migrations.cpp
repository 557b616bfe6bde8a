#include "storage/migrations.hpp"

#include <array>
#include <string>

namespace tether::storage {

namespace {

// Append only: never edit a step that has shipped; add a new one.
constexpr std::array all_migrations{
    migration{1, R"sql(
      CREATE TABLE mqtt_sessions (
        realm TEXT NOT NULL, client_id TEXT NOT NULL,
        PRIMARY KEY (realm, client_id)) WITHOUT ROWID;
      CREATE TABLE mqtt_subscriptions (
        realm TEXT NOT NULL, client_id TEXT NOT NULL, filter TEXT NOT NULL, qos INTEGER NOT NULL,
        PRIMARY KEY (realm, client_id, filter)) WITHOUT ROWID;
      CREATE TABLE mqtt_queue (
        realm TEXT NOT NULL, client_id TEXT NOT NULL, seq INTEGER NOT NULL,
        topic TEXT NOT NULL, payload BLOB NOT NULL, qos INTEGER NOT NULL, retain INTEGER NOT NULL,
        released INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (realm, client_id, seq)) WITHOUT ROWID;
      CREATE TABLE mqtt_retained (
        realm TEXT NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL, qos INTEGER NOT NULL,
        PRIMARY KEY (realm, topic)) WITHOUT ROWID;
    )sql"},
};

}  // namespace

std::span<const migration> schema_migrations() { return all_migrations; }

int schema_version(database& db) {
  auto s = db.prepare("PRAGMA user_version");
  s.step();
  return static_cast<int>(s.column_int(0));
}

void migrate(database& db, std::span<const migration> steps) {
  const int current = schema_version(db);
  const int known = steps.empty() ? 0 : steps.back().version;
  if (current > known) {
    throw storage_error("the database has schema version " + std::to_string(current) + " but this tether knows only " +
                        std::to_string(known) + ": upgrade tether");
  }
  for (const auto& step : steps) {
    if (step.version <= current) continue;
    transaction t(db);
    db.exec(step.sql);
    db.exec("PRAGMA user_version = " + std::to_string(step.version));
    t.commit();
  }
}

}  // namespace tether::storage
