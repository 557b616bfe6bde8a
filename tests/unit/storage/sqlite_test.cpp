// The statement wrapper binds what it is given: empty text and empty blobs stay values, never NULL.

#include "storage/sqlite.hpp"
#include "temp_database.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace tether::storage {
namespace {

TEST(sqlite, EmptyTextAndBlobBindAsValuesNotNull) {
  test::temp_database dir;
  database db(dir.path());
  db.exec("CREATE TABLE t (a TEXT, b BLOB)");
  db.prepare("INSERT INTO t (a, b) VALUES (?1, ?2)").bind(1, std::string_view{}).bind_blob(2, {}).run();
  auto s = db.prepare("SELECT a, b, typeof(a), typeof(b) FROM t");
  ASSERT_TRUE(s.step());
  EXPECT_FALSE(s.column_is_null(0));
  EXPECT_FALSE(s.column_is_null(1));
  EXPECT_EQ(s.column_text(0), "");
  EXPECT_EQ(s.column_text(2), "text");
  EXPECT_EQ(s.column_text(3), "blob");
}

std::int64_t count_rows(database& db) {
  auto st = db.prepare("SELECT COUNT(*) FROM nesting");
  st.step();
  return st.column_int(0);
}

TEST(sqlite, ATransactionInsideAnotherIsASavepointOfIt) {
  test::temp_database dir;
  database db(dir.path());
  db.exec("CREATE TABLE nesting (v INTEGER)");
  {
    transaction outer(db);
    db.exec("INSERT INTO nesting VALUES (1)");
    {
      transaction inner(db);  // rolled back alone
      db.exec("INSERT INTO nesting VALUES (2)");
    }
    {
      transaction inner(db);
      db.exec("INSERT INTO nesting VALUES (3)");
      inner.commit();
    }
    EXPECT_EQ(count_rows(db), 2);
    outer.commit();
  }
  EXPECT_EQ(count_rows(db), 2);
  {
    transaction outer(db);
    {
      transaction inner(db);
      db.exec("INSERT INTO nesting VALUES (4)");
      inner.commit();
    }
  }  // the outer one rolls back what the inner one committed into it
  EXPECT_EQ(count_rows(db), 2);
}

}  // namespace
}  // namespace tether::storage
