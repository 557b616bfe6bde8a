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

}  // namespace
}  // namespace tether::storage
