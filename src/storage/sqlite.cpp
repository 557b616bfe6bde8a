#include "storage/sqlite.hpp"

#include <utility>

namespace tether::storage {

namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw storage_error(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

statement::statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                         nullptr) != SQLITE_OK) {
    fail(db, "prepare '" + std::string(sql) + "'");
  }
}

statement::~statement() { sqlite3_finalize(stmt_); }

statement::statement(statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

statement& statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

statement& statement::bind(int index, std::string_view text) {
  // An empty text must still be text, not NULL: a default string_view has no pointer, so pass a valid one.
  if (sqlite3_bind_text64(stmt_, index, text.empty() ? "" : text.data(), text.size(), SQLITE_TRANSIENT,
                          SQLITE_UTF8) != SQLITE_OK) {
    fail(db_, "bind");
  }
  return *this;
}

statement& statement::bind_blob(int index, std::string_view bytes) {
  // A zero-length blob must still be a blob, not NULL: pass a valid pointer.
  static const char empty = 0;
  if (sqlite3_bind_blob64(stmt_, index, bytes.empty() ? &empty : bytes.data(), bytes.size(),
                          SQLITE_TRANSIENT) != SQLITE_OK) {
    fail(db_, "bind");
  }
  return *this;
}

statement& statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

bool statement::step() {
  switch (sqlite3_step(stmt_)) {
    case SQLITE_ROW:
      return true;
    case SQLITE_DONE:
      return false;
    default:
      fail(db_, std::string("step '") + sqlite3_sql(stmt_) + "'");
  }
}

void statement::run() {
  while (step()) {
  }
  reset();
}

void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string statement::column_text(int index) const {
  auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)))
              : std::string();
}

std::string statement::column_blob(int index) const {
  auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, index));
  return data ? std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)))
              : std::string();
}

bool statement::column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

database::database(const std::string& path, sync_mode sync) {
  // Memory statistics take a global mutex on every SQLite allocation; Tether never reads them. Only
  // possible before SQLite initializes (the first open); later calls fail harmlessly.
  static const bool configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  (void)configured;
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw storage_error("cannot open database " + path + ": " + message);
  }
  sqlite3_busy_timeout(db_, 5000);  // the CLI and the server may write at the same time
  exec("PRAGMA journal_mode=WAL");
  exec(sync == sync_mode::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  exec("PRAGMA foreign_keys=ON");
}

database::~database() { sqlite3_close(db_); }

void database::exec(std::string_view sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw storage_error("'" + std::string(sql.substr(0, 80)) + "': " + message);
  }
}

transaction::transaction(database& db) : db_(db), nested_(sqlite3_get_autocommit(db.handle()) == 0) {
  db_.exec(nested_ ? "SAVEPOINT nested" : "BEGIN IMMEDIATE");
}

transaction::~transaction() {
  if (!done_) {
    try {
      // A nested one undoes only its own part; the outer transaction decides the rest.
      db_.exec(nested_ ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK");
    } catch (const storage_error&) {
      // Nothing more can be done while unwinding; SQLite rolls back on close anyway.
    }
  }
}

void transaction::commit() {
  db_.exec(nested_ ? "RELEASE nested" : "COMMIT");
  done_ = true;
}

}  // namespace tether::storage
