#pragma once
// A thin RAII layer over SQLite: one connection, prepared statements with typed binds, and
// transactions. Errors throw storage_error (with SQLite's message and the statement) because they
// mean a broken disk or a bug, never bad user input: callers validate input before it gets here.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tether::storage {

class storage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class statement {
 public:
  statement(sqlite3* db, std::string_view sql);
  ~statement();
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  statement(statement&& other) noexcept;

  // Binds are 1-based like SQLite's; text and blobs are copied (SQLITE_TRANSIENT).
  statement& bind(int index, std::int64_t value);
  statement& bind(int index, std::string_view text);
  statement& bind_blob(int index, std::string_view bytes);
  statement& bind_null(int index);

  // Steps once: true while a row is available.
  bool step();
  // Runs to completion (for statements that return no rows) and resets.
  void run();
  void reset();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  std::string column_blob(int index) const;
  bool column_is_null(int index) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

enum class sync_mode {
  normal,  // committed data survives a process crash (kill -9); the default
  full,    // committed data also survives power loss (fsync per commit)
};

class database {
 public:
  // Opens (creating) the file in WAL mode. ":memory:" works for tests.
  explicit database(const std::string& path, sync_mode sync = sync_mode::normal);
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  void exec(std::string_view sql);
  statement prepare(std::string_view sql) { return statement(db_, sql); }
  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  sqlite3* handle() noexcept { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE .. COMMIT; rolls back when destroyed without commit(). Inside another transaction
// on the same connection it is a savepoint instead, so that a service can hold one transaction around
// a read and a store's write that opens its own (read-modify-write without a lost update).
class transaction {
 public:
  explicit transaction(database& db);
  ~transaction();
  void commit();

 private:
  database& db_;
  bool nested_;
  bool done_ = false;
};

}  // namespace tether::storage
