// The registry's migration on a fresh database, idempotence, and refusal of a newer schema.

#include "registry/change_counter.hpp"
#include "storage/migrations.hpp"
#include "storage/paths.hpp"
#include "storage/sqlite.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <random>

namespace tether::registry {
namespace {

class RegistryMigration : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tether-migration-" + std::to_string(std::random_device{}()) + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path() const { return storage::database_path(dir_).string(); }
  std::filesystem::path dir_;
};

TEST(StoragePaths, DatabaseLivesInTheDataDir) {
  EXPECT_EQ(storage::database_path("data"), std::filesystem::path("data/tether.db"));
}

TEST_F(RegistryMigration, FreshDatabaseGetsTheRegistryTables) {
  storage::database db(path());
  EXPECT_EQ(storage::schema_version(db), 0);
  storage::migrate(db);
  EXPECT_GE(storage::schema_version(db), 2);
  for (auto table : {"gateways", "applications", "end_devices", "api_keys", "registry_version"}) {
    auto s = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    s.bind(1, std::string_view(table));
    EXPECT_TRUE(s.step()) << table;
  }
  EXPECT_EQ(change_counter(db).current(), 0);
}

TEST_F(RegistryMigration, ReopeningKeepsDataAndAppliesNothingTwice) {
  {
    storage::database db(path());
    storage::migrate(db);
    db.exec("INSERT INTO applications (application_id, created_at) VALUES ('app1', 0)");
  }
  storage::database db(path());
  storage::migrate(db);
  auto s = db.prepare("SELECT count(*) FROM applications");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.column_int(0), 1);
}

TEST_F(RegistryMigration, RefusesANewerSchema) {
  {
    storage::database db(path());
    storage::migrate(db);
    db.exec("PRAGMA user_version = 9999");
  }
  storage::database db(path());
  EXPECT_THROW(storage::migrate(db), storage::storage_error);
}

}  // namespace
}  // namespace tether::registry
