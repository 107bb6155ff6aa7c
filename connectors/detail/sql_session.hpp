// The little a desk store needs from a SQL driver: one connection, transactions, and
// statements whose values travel only as bound parameters (never in the SQL text).
// Implemented on libsqlite3 and on libpq. One thread at a time.
#pragma once

#include "base/result.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace nexus::connectors::detail {

/// Bytes for a BLOB / BYTEA column (text columns take std::string).
struct SqlBlob {
  std::string bytes;
};

/// A bound parameter or a result cell. Booleans are stored as integers 0/1.
using SqlValue = std::variant<std::nullptr_t, int64_t, double, std::string, SqlBlob>;
using SqlRow = std::vector<SqlValue>;

inline bool is_null(const SqlValue& value) { return std::holds_alternative<std::nullptr_t>(value); }
int64_t as_int(const SqlValue& value);       // int or double; 0 for null
double as_double(const SqlValue& value);     // int or double; 0 for null
std::string as_text(const SqlValue& value);  // text or blob bytes; "" for null

class SqlSession {
 public:
  SqlSession() = default;
  SqlSession(const SqlSession&) = delete;
  SqlSession& operator=(const SqlSession&) = delete;
  SqlSession(SqlSession&&) = delete;
  SqlSession& operator=(SqlSession&&) = delete;
  virtual ~SqlSession() = default;

  /// Starts a write transaction (SQLite: BEGIN IMMEDIATE, so two writers queue on the busy
  /// timeout instead of failing on a lock upgrade).
  virtual Result<void> begin() = 0;
  virtual Result<void> commit() = 0;
  virtual void rollback() = 0;

  /// Runs `sql`, with `?` placeholders bound to `params` in order; returns the rows
  /// affected. Errors carry the driver's message.
  virtual Result<int64_t> exec(std::string_view sql, std::span<const SqlValue> params) = 0;
  /// Runs `sql` and returns its rows.
  virtual Result<std::vector<SqlRow>> query(std::string_view sql,
                                            std::span<const SqlValue> params) = 0;
};

}  // namespace nexus::connectors::detail
