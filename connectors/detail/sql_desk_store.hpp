// DeskStore over any SqlSession: the desk's SQL (one schema, one set of statements) written
// once for SQLite and PostgreSQL, with the few places they differ passed in as a
// DeskSqlDialect. Used through open_sqlite_desk_store / open_postgres_desk_store.
// Threading: as DeskStore (one thread at a time).
#pragma once

#include "connectors/detail/sql_session.hpp"

#include "desk/desk_store.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace nexus::connectors::detail {

/// Where the two SQL dialects differ.
struct DeskSqlDialect {
  std::string name;  // "SQLite", "PostgreSQL": for messages
  // Column types substituted into the shared schema.
  std::string primary_key;  // an auto-numbered 64-bit primary key
  std::string bytes_type;   // BLOB / BYTEA
  std::string binary_text;  // collation suffix for byte-order text ("" or " COLLATE \"C\"")
  std::vector<std::string> search_schema;  // statements adding full-text search (version 1)
  // Appended to a SELECT of one case row to lock it for the transaction ("" where the
  // whole database is locked by the write transaction, as in SQLite).
  std::string for_update;
  // A statement with one `?` (the subject key) that serialises grouping alerts of one
  // subject across connections, or "" where writers are serial anyway.
  std::string subject_lock;
  // A statement that serialises appending to the audit chain across connections, or ""
  // where writers are serial anyway. Taken last in a transaction, after any row lock.
  std::string audit_lock;
  // A statement run first in the migration transaction so two processes do not migrate at
  // once, or "".
  std::string migration_lock;
  // A condition on alias `a` with one `?`, true when the alert matches the search words,
  // and the parameter for it built from the words (search_terms, never empty).
  std::string search_condition;
  std::function<std::string(const std::vector<std::string>& terms)> search_argument;
  // A statement with `?, ?` (alert seq, search text) indexing a new alert, or "".
  std::string search_insert;
};

/// The store over `session`, after running the migrations; fails with the migration's
/// error (errc::kSchemaTooNew for a database newer than this binary).
Result<std::unique_ptr<desk::DeskStore>> open_sql_desk_store(std::unique_ptr<SqlSession> session,
                                                             DeskSqlDialect dialect,
                                                             desk::DeskClock clock);

}  // namespace nexus::connectors::detail
