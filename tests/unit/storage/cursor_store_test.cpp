// Named readers' positions in event log streams, and the migration that numbers the streams.

#include "storage/cursor_store.hpp"
#include "storage/event_log.hpp"
#include "storage/migrations.hpp"
#include "temp_database.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace tether::storage {
namespace {

TEST(cursor_store, loads_what_was_saved_per_reader_and_stream) {
  test::temp_database tmp;
  {
    cursor_store cursors(tmp.path());
    EXPECT_EQ(cursors.load("connector", "app1"), 0u);
    cursors.save("connector", "app1", 5);
    cursors.save("connector", "app1", 7);
    cursors.save("connector", "app2", 1);
    cursors.save("other", "app1", 3);
  }
  cursor_store cursors(tmp.path());  // saved means on disk
  EXPECT_EQ(cursors.load("connector", "app1"), 7u);
  EXPECT_EQ(cursors.load("connector", "app2"), 1u);
  EXPECT_EQ(cursors.load("other", "app1"), 3u);
  auto all = cursors.list("connector");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].stream, "app1");
  EXPECT_EQ(all[0].seq, 7u);
  EXPECT_GT(all[0].updated_at, 0);
  cursors.remove("connector", "app1");
  EXPECT_EQ(cursors.load("connector", "app1"), 0u);
  EXPECT_EQ(cursors.list("connector").size(), 1u);
}

TEST(cursor_store, version_8_numbers_the_entries_logged_before_it) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("tether-migration-8-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto path = (dir / "tether.db").string();
  {
    database db(path);
    migrate(db, schema_migrations().first(7));
    db.exec(
        "INSERT INTO event_log (seq, stream, at, payload) VALUES "
        "(1, 'a', 10, x'01'), (2, 'b', 11, x'02'), (3, 'a', 12, x'03')");
    migrate(db);
  }
  {
    event_log log(path, {.max_age = {}, .max_rows_per_stream = 0});
    auto a = log.read("a", 0, 10);
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0], (event_log_entry{1, "a", 10, "\x01"}));
    EXPECT_EQ(a[1], (event_log_entry{2, "a", 12, "\x03"}));
    EXPECT_EQ(log.last_durable_seq("b"), 1u);
    EXPECT_EQ(log.append("a", "x", 13).seq, 3u);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tether::storage
