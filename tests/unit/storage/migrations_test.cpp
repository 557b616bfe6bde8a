// Schema migrations keep what earlier versions stored.

#include "storage/migrations.hpp"
#include "storage/sqlite.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace tether::storage {
namespace {

TEST(migrations, Version7GivesQueuedAndRetainedMessagesARowidAndKeepsThem) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("tether-migrations-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    database db((dir / "tether.db").string());
    migrate(db, schema_migrations().first(6));
    ASSERT_EQ(schema_version(db), 6);
    db.exec(
        "INSERT INTO mqtt_queue (realm, client_id, seq, topic, payload, qos, retain, released) "
        "VALUES ('mqtt', 'c1', 7, 'a/b', x'0102', 1, 0, 3)");
    db.exec("INSERT INTO mqtt_retained (realm, topic, payload, qos) VALUES ('mqtt', 'r/t', x'09', 2)");

    migrate(db);
    EXPECT_EQ(schema_version(db), schema_migrations().back().version);
    auto q =
        db.prepare("SELECT rowid, client_id, seq, topic, payload, qos, retain, released FROM mqtt_queue");
    ASSERT_TRUE(q.step());
    EXPECT_EQ(q.column_text(1), "c1");
    EXPECT_EQ(q.column_int(2), 7);
    EXPECT_EQ(q.column_text(3), "a/b");
    EXPECT_EQ(q.column_blob(4), std::string("\x01\x02", 2));
    EXPECT_EQ(q.column_int(5), 1);
    EXPECT_EQ(q.column_int(7), 3);
    EXPECT_FALSE(q.step());
    auto r =
        db.prepare("SELECT rowid, payload, qos FROM mqtt_retained WHERE realm = 'mqtt' AND topic = 'r/t'");
    ASSERT_TRUE(r.step());
    EXPECT_EQ(r.column_blob(1), "\x09");
    // The key is still unique: a replace does not add a second row.
    db.exec(
        "INSERT OR REPLACE INTO mqtt_queue (realm, client_id, seq, topic, payload, qos, retain) "
        "VALUES ('mqtt', 'c1', 7, 'a/b', x'03', 1, 0)");
    auto n = db.prepare("SELECT count(*) FROM mqtt_queue");
    ASSERT_TRUE(n.step());
    EXPECT_EQ(n.column_int(0), 1);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tether::storage
