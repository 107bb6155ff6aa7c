#include "connectors/desk_postgres_store.hpp"

#include "connectors/detail/sql_desk_store.hpp"
#include "connectors/detail/sql_session.hpp"

#include "desk/case_rules.hpp"
#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace nexus::connectors {

namespace {

using detail::SqlBlob;
using detail::SqlRow;
using detail::SqlValue;

// Type OIDs of the columns the desk reads (catalog/pg_type.dat).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// `?` placeholders (the desk's statements are written for both databases) become $1, $2, ...;
// none of the desk's SQL has a `?` inside a string literal.
std::string numbered(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 0;
  for (const char c : sql) {
    if (c == '?') {
      out += '$';
      out += std::to_string(++next);
    } else {
      out += c;
    }
  }
  return out;
}

std::string number_text(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;  // 32 bytes hold any double's shortest form
  return std::string(buffer, end);
}

class PostgresSession final : public detail::SqlSession {
 public:
  explicit PostgresSession(PGconn* connection) : connection_(connection) {}
  ~PostgresSession() override { PQfinish(connection_); }

  Result<void> begin() override { return plain("BEGIN"); }
  Result<void> commit() override { return plain("COMMIT"); }
  void rollback() override { (void)plain("ROLLBACK"); }

  Result<int64_t> exec(std::string_view sql, std::span<const SqlValue> params) override {
    NEXUS_TRY(result, run(sql, params));
    const char* affected = PQcmdTuples(result.get());
    return static_cast<int64_t>(affected[0] == '\0' ? 0 : std::strtoll(affected, nullptr, 10));
  }

  Result<std::vector<SqlRow>> query(std::string_view sql,
                                    std::span<const SqlValue> params) override {
    NEXUS_TRY(result, run(sql, params));
    const int rows = PQntuples(result.get());
    const int columns = PQnfields(result.get());
    std::vector<SqlRow> out;
    out.reserve(static_cast<size_t>(rows));
    for (int r = 0; r < rows; ++r) {
      SqlRow row;
      row.reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) row.push_back(cell(result.get(), r, c));
      out.push_back(std::move(row));
    }
    return out;
  }

 private:
  // BEGIN, COMMIT, ROLLBACK: the simple protocol, which also works in an aborted transaction.
  Result<void> plain(const char* sql) {
    if (!checked(PgResult(PQexec(connection_, sql)))) return last_error_;
    return outcome::success();
  }

  // The statement's server-side name, prepared on first use: parsing and planning once per
  // connection is most of the saving on the insert path.
  Result<std::string> prepared(std::string_view sql, int param_count) {
    auto found = prepared_.find(std::string(sql));
    if (found != prepared_.end()) return found->second;
    // The queue's SQL varies with the filters set; a bound keeps rare shapes from piling up.
    if (prepared_.size() >= kMaxStatements) {
      PgResult dropped(PQexec(connection_, "DEALLOCATE ALL"));
      prepared_.clear();
    }
    std::string name = "nexus_" + std::to_string(next_statement_++);
    if (!checked(PgResult(
            PQprepare(connection_, name.c_str(), numbered(sql).c_str(), param_count, nullptr)))) {
      return last_error_;
    }
    prepared_.emplace(std::string(sql), name);
    return name;
  }

  // The result when the command succeeded; otherwise nullopt, with last_error_ set.
  std::optional<PgResult> checked(PgResult result) {
    const auto status = PQresultStatus(result.get());
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
    const char* message = result ? PQresultErrorMessage(result.get()) : PQerrorMessage(connection_);
    std::string text = message;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    const bool lost = PQstatus(connection_) != CONNECTION_OK;
    last_error_ =
        make_error(std::string(lost ? desk::errc::kStoreUnavailable : desk::errc::kStoreError),
                   "PostgreSQL: " + text);
    return std::nullopt;
  }

  Result<PgResult> run(std::string_view sql, std::span<const SqlValue> params) {
    NEXUS_TRY(name, prepared(sql, static_cast<int>(params.size())));
    // Values travel as text parameters (blobs as binary); the server parses them against
    // the column types, so nothing a caller passes is ever SQL.
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<int> lengths(params.size(), 0);
    std::vector<int> formats(params.size(), 0);
    for (size_t i = 0; i < params.size(); ++i) {
      const SqlValue& value = params[i];
      if (const auto* number = std::get_if<int64_t>(&value)) {
        texts[i] = std::to_string(*number);
      } else if (const auto* real = std::get_if<double>(&value)) {
        texts[i] = number_text(*real);
      } else if (const auto* string = std::get_if<std::string>(&value)) {
        texts[i] = *string;
      } else if (const auto* blob = std::get_if<SqlBlob>(&value)) {
        texts[i] = blob->bytes;
        formats[i] = 1;
      } else {
        continue;  // null: values[i] stays nullptr
      }
      values[i] = texts[i].data();
      lengths[i] = static_cast<int>(texts[i].size());
    }
    auto result =
        checked(PgResult(PQexecPrepared(connection_, name.c_str(), static_cast<int>(params.size()),
                                        values.data(), lengths.data(), formats.data(), 0)));
    if (!result) return last_error_;
    return std::move(*result);
  }

  static SqlValue cell(const PGresult* result, int row, int column) {
    if (PQgetisnull(result, row, column) != 0) return nullptr;
    const char* value = PQgetvalue(result, row, column);
    const auto length = static_cast<size_t>(PQgetlength(result, row, column));
    switch (PQftype(result, column)) {
      case kInt2Oid:
      case kInt4Oid:
      case kInt8Oid:
        return static_cast<int64_t>(std::strtoll(value, nullptr, 10));
      case kFloat4Oid:
      case kFloat8Oid:
      case kNumericOid:
        return std::strtod(value, nullptr);
      case kBoolOid:
        return int64_t{value[0] == 't'};
      case kByteaOid: {
        size_t size = 0;
        unsigned char* bytes =
            PQunescapeBytea(reinterpret_cast<const unsigned char*>(value), &size);
        SqlBlob blob{std::string(reinterpret_cast<const char*>(bytes), size)};
        PQfreemem(bytes);
        return blob;
      }
      default:
        return std::string(value, length);
    }
  }

  static constexpr size_t kMaxStatements = 512;

  PGconn* connection_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL -> statement name
  int64_t next_statement_ = 0;
  Error last_error_;
};

detail::DeskSqlDialect postgres_dialect() {
  detail::DeskSqlDialect dialect;
  dialect.name = "PostgreSQL";
  dialect.primary_key = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
  dialect.bytes_type = "BYTEA";
  dialect.binary_text = " COLLATE \"C\"";  // byte order, as SQLite compares ids
  // 'simple': no stemming or stop words, since names and account keys are not English.
  dialect.search_schema = {
      "ALTER TABLE alerts ADD COLUMN search_tsv tsvector"
      " GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
      "CREATE INDEX alerts_search ON alerts USING GIN (search_tsv)"};
  dialect.for_update = " FOR UPDATE";
  dialect.subject_lock = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))";
  // A fixed key for "appending to the audit chain" (ASCII "NXAU").
  dialect.audit_lock = "SELECT pg_advisory_xact_lock(1314406741)";
  // A fixed key for "migrating the desk schema" (ASCII "NXDK").
  dialect.migration_lock = "SELECT pg_advisory_xact_lock(1314407499)";
  dialect.search_condition = "a.search_tsv @@ plainto_tsquery('simple', ?)";
  dialect.search_argument = [](const std::vector<std::string>& terms) {
    std::string words;
    for (const auto& term : terms) words += (words.empty() ? "" : " ") + term;
    return words;
  };
  return dialect;
}

}  // namespace

Result<std::unique_ptr<desk::DeskStore>> open_postgres_desk_store(
    const PostgresDeskConfig& config) {
  PGconn* connection = PQconnectdb(config.conninfo.c_str());
  if (connection == nullptr || PQstatus(connection) != CONNECTION_OK) {
    std::string why = connection != nullptr ? PQerrorMessage(connection) : "out of memory";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    PQfinish(connection);
    return make_error(std::string(desk::errc::kStoreUnavailable),
                      "cannot connect to the desk database (" + config.conninfo + "): " + why);
  }
  // CREATE ... IF NOT EXISTS and friends report NOTICEs; the desk has nothing to say about
  // them, and libpq would print them on stderr.
  PQsetNoticeProcessor(
      connection, [](void*, const char*) {}, nullptr);
  auto session = std::make_unique<PostgresSession>(connection);
  return detail::open_sql_desk_store(std::move(session), postgres_dialect(), config.clock);
}

}  // namespace nexus::connectors
