#include "connectors/detail/sql_desk_store.hpp"

#include "rules/compiler.hpp"

#include "base/json_text.hpp"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <utility>

namespace nexus::connectors::detail {

namespace {

using desk::Action;
using desk::Actor;
using desk::AlertFilter;
using desk::AlertRecord;
using desk::Case;
using desk::CaseId;
using desk::CaseStatus;
using desk::CloseReason;
using desk::ProposalId;
using desk::ProposalState;
using desk::search_words;
using desk::StoredAlert;
namespace errc = desk::errc;
using Params = std::vector<SqlValue>;

// ---- the schema: one list of versioned migrations for both databases ----

struct Migration {
  int version;
  std::vector<std::string> statements;
};

// Indexes match the queue: each sort key (event time, score, severity) alone, behind the
// case status (the queue's usual first filter), behind assignee and status (my work), and
// the selective equality filters rule and subject in front of event time. Severity and the
// sanctions-hit flag have a handful of values: they filter rows an index already orders
// (see append_filter) rather than lead an index of their own.
// Every index ends in seq, the tiebreak (arrival order), so keyset pages are index range
// scans, not sorts; and ties append at the end of their key's range instead of landing at
// random places as a hashed alert id would (fewer pages touched per insert).
const std::vector<std::string> kSchemaV1 = {
    "CREATE TABLE cases (id {pk}, subject_key TEXT NOT NULL, status TEXT NOT NULL,"
    " assignee TEXT NOT NULL DEFAULT '', snoozed_until_ms BIGINT, close_reason TEXT,"
    " merged_into BIGINT REFERENCES cases(id), max_severity INTEGER NOT NULL DEFAULT 0,"
    " alert_count BIGINT NOT NULL DEFAULT 0, created_ms BIGINT NOT NULL,"
    " updated_ms BIGINT NOT NULL)",
    "CREATE INDEX cases_open_by_subject ON cases (subject_key, id) WHERE status <> 'closed'",
    "CREATE INDEX cases_by_status ON cases (status, id)",
    "CREATE TABLE alerts (seq {pk}, id TEXT{c} NOT NULL UNIQUE, rule_id TEXT NOT NULL,"
    " rule_version BIGINT NOT NULL, severity INTEGER NOT NULL, typologies_json TEXT NOT NULL,"
    " subject_key TEXT NOT NULL, subject_name TEXT NOT NULL, score DOUBLE PRECISION NOT NULL,"
    " event_time_ms BIGINT NOT NULL, has_sanctions_hit INTEGER NOT NULL,"
    " alert_pb {bytes} NOT NULL, search_text TEXT NOT NULL,"
    " case_id BIGINT NOT NULL REFERENCES cases(id), status TEXT NOT NULL,"
    " assignee TEXT NOT NULL, ingested_ms BIGINT NOT NULL)",
    "CREATE INDEX alerts_by_time ON alerts (event_time_ms, seq)",
    "CREATE INDEX alerts_by_score ON alerts (score, seq)",
    "CREATE INDEX alerts_by_severity ON alerts (severity, seq)",
    "CREATE INDEX alerts_by_status_time ON alerts (status, event_time_ms, seq)",
    "CREATE INDEX alerts_by_status_score ON alerts (status, score, seq)",
    "CREATE INDEX alerts_by_status_severity ON alerts (status, severity, seq)",
    "CREATE INDEX alerts_by_assignee ON alerts (assignee, status, event_time_ms, seq)",
    "CREATE INDEX alerts_by_rule ON alerts (rule_id, event_time_ms, seq)",
    "CREATE INDEX alerts_by_subject ON alerts (subject_key, event_time_ms, seq)",
    "CREATE INDEX alerts_by_case ON alerts (case_id, event_time_ms)",
    "CREATE TABLE alert_typologies (typology TEXT NOT NULL,"
    " alert_seq BIGINT NOT NULL REFERENCES alerts(seq), PRIMARY KEY (typology, alert_seq))",
    "CREATE TABLE case_events (id {pk}, case_id BIGINT NOT NULL REFERENCES cases(id),"
    " at_ms BIGINT NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL, details TEXT NOT NULL)",
    "CREATE INDEX case_events_by_case ON case_events (case_id, id)",
    "CREATE TABLE close_proposals (id {pk}, case_id BIGINT NOT NULL REFERENCES cases(id),"
    " reason TEXT NOT NULL, note TEXT NOT NULL, proposed_by TEXT NOT NULL,"
    " proposed_ms BIGINT NOT NULL, state TEXT NOT NULL, decided_by TEXT NOT NULL DEFAULT '',"
    " decided_ms BIGINT)",
    "CREATE INDEX close_proposals_by_case ON close_proposals (case_id, id)",
    "CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL,"
    " password_hash TEXT NOT NULL, disabled INTEGER NOT NULL, created_ms BIGINT NOT NULL)",
    "CREATE TABLE api_tokens (id {pk}, user_name TEXT NOT NULL REFERENCES users(name),"
    " token_hash TEXT NOT NULL UNIQUE, label TEXT NOT NULL, created_ms BIGINT NOT NULL,"
    " expires_ms BIGINT, revoked INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE hit_decisions (id {pk}, party_key TEXT NOT NULL,"
    " list_entry_id TEXT NOT NULL, verdict TEXT NOT NULL, reason TEXT NOT NULL,"
    " decided_by TEXT NOT NULL, decided_ms BIGINT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0,"
    " revoked_by TEXT NOT NULL DEFAULT '', revoked_ms BIGINT)",
    "CREATE INDEX hit_decisions_by_pair ON hit_decisions (party_key, list_entry_id, id)",
    "CREATE TABLE audit_log (id {pk}, at_ms BIGINT NOT NULL, actor TEXT NOT NULL,"
    " action TEXT NOT NULL, target TEXT NOT NULL, details TEXT NOT NULL)",
};

// Sorted by score behind a rule, or behind one status and one severity. nexus_desk_bench
// over 1M alerts before these: rule=X sorted by score sorted all of the rule's alerts
// (with sanctions=true: p50 99 ms, p99 363 ms) or walked the status's score order (p99
// 57 ms for a rule of 5 %); status=new&severity=medium sorted by score walked past every
// high and critical alert first (first pages over four severity sets: p50 161 ms, p99 2.5 s).
const std::vector<std::string> kSchemaV2 = {
    "CREATE INDEX alerts_by_rule_score ON alerts (rule_id, score, seq)",
    "CREATE INDEX alerts_by_status_severity_score ON alerts (status, severity, score, seq)",
};

// The audit chain (desk/audit_chain.hpp): one append-only log of every change, each entry
// hash-chained to the one before, and the signed heads kept in a table of their own. The
// case timeline (case_events) stays as the case page's view; audit_log (v1) is read no more:
// its rows are chained when this version is applied (see migrate).
const std::vector<std::string> kSchemaV3 = {
    "CREATE TABLE audit_entries (seq BIGINT PRIMARY KEY, at_ms BIGINT NOT NULL,"
    " actor TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL,"
    " before_json TEXT NOT NULL, after_json TEXT NOT NULL, prev_hash TEXT NOT NULL,"
    " hash TEXT NOT NULL)",
    "CREATE INDEX audit_by_actor ON audit_entries (actor, seq)",
    "CREATE INDEX audit_by_object ON audit_entries (object, seq)",
    "CREATE INDEX audit_by_time ON audit_entries (at_ms, seq)",
    "CREATE TABLE audit_heads (id {pk}, seq BIGINT NOT NULL, hash TEXT NOT NULL,"
    " signed_ms BIGINT NOT NULL, public_key TEXT NOT NULL, signature TEXT NOT NULL)",
};

// The transactions behind the alerts (DeskStore::keep_transactions): the protobuf bytes as
// the desk read them, with their SHA-256 so an evidence package can show they were kept
// unchanged.
const std::vector<std::string> kSchemaV4 = {
    "CREATE TABLE transactions (id TEXT{c} PRIMARY KEY, event_time_ms BIGINT NOT NULL,"
    " read_order BIGINT NOT NULL, transaction_pb {bytes} NOT NULL, sha256 TEXT NOT NULL,"
    " kept_ms BIGINT NOT NULL)",
};

constexpr int kSchemaVersion = 4;

void replace_all(std::string* text, std::string_view from, std::string_view to) {
  for (auto at = text->find(from); at != std::string::npos; at = text->find(from, at + to.size())) {
    text->replace(at, from.size(), to);
  }
}

std::vector<Migration> migrations_for(const DeskSqlDialect& dialect) {
  Migration first{1, {}};
  for (std::string statement : kSchemaV1) {
    replace_all(&statement, "{pk}", dialect.primary_key);
    replace_all(&statement, "{bytes}", dialect.bytes_type);
    replace_all(&statement, "{c}", dialect.binary_text);
    first.statements.push_back(std::move(statement));
  }
  for (const auto& statement : dialect.search_schema) first.statements.push_back(statement);
  Migration third{3, {}};
  for (std::string statement : kSchemaV3) {
    replace_all(&statement, "{pk}", dialect.primary_key);
    third.statements.push_back(std::move(statement));
  }
  Migration fourth{4, {}};
  for (std::string statement : kSchemaV4) {
    replace_all(&statement, "{bytes}", dialect.bytes_type);
    replace_all(&statement, "{c}", dialect.binary_text);
    fourth.statements.push_back(std::move(statement));
  }
  return {std::move(first), Migration{2, kSchemaV2}, std::move(third), std::move(fourth)};
}

// ---- row mapping ----

constexpr std::string_view kAlertColumns =
    "a.id, a.rule_id, a.rule_version, a.severity, a.typologies_json, a.subject_key,"
    " a.subject_name, a.score, a.event_time_ms, a.has_sanctions_hit, a.alert_pb,"
    " a.search_text, a.case_id, a.status, a.assignee, a.seq";

constexpr std::string_view kCaseColumns =
    "id, subject_key, status, assignee, snoozed_until_ms, close_reason, merged_into,"
    " max_severity, alert_count, created_ms, updated_ms";

constexpr std::string_view kProposalColumns =
    "id, case_id, reason, note, proposed_by, proposed_ms, state, decided_by, decided_ms";

constexpr std::string_view kDecisionColumns =
    "id, party_key, list_entry_id, verdict, reason, decided_by, decided_ms, revoked,"
    " revoked_by, revoked_ms";

constexpr std::string_view kUserColumns = "name, role, password_hash, disabled, created_ms";

constexpr std::string_view kTokenColumns =
    "id, user_name, token_hash, label, created_ms, expires_ms, revoked";

constexpr std::string_view kAuditColumns =
    "seq, at_ms, actor, role, action, object, before_json, after_json, prev_hash, hash";

std::optional<int64_t> optional_int(const SqlValue& value) {
  if (is_null(value)) return std::nullopt;
  return as_int(value);
}

SqlValue optional_value(const std::optional<int64_t>& value) {
  if (!value) return nullptr;
  return *value;
}

SqlValue text(std::string_view value) { return std::string(value); }

nexus::v1::Severity severity_of(int64_t value) {
  return nexus::v1::Severity_IsValid(static_cast<int>(value))
             ? static_cast<nexus::v1::Severity>(value)
             : nexus::v1::SEVERITY_UNSPECIFIED;
}

StoredAlert alert_from(const SqlRow& row) {
  StoredAlert stored;
  AlertRecord& record = stored.record;
  record.id = as_text(row[0]);
  record.rule_id = as_text(row[1]);
  record.rule_version = static_cast<uint32_t>(as_int(row[2]));
  record.severity = severity_of(as_int(row[3]));
  const auto typologies = nlohmann::json::parse(as_text(row[4]), nullptr, false);
  if (typologies.is_array()) {
    for (const auto& typology : typologies) {
      if (typology.is_string()) record.typologies.push_back(typology.get<std::string>());
    }
  }
  record.subject_key = as_text(row[5]);
  record.subject_name = as_text(row[6]);
  record.score = as_double(row[7]);
  record.event_time_ms = as_int(row[8]);
  record.has_sanctions_hit = as_int(row[9]) != 0;
  record.alert_pb = as_text(row[10]);
  record.search_text = as_text(row[11]);
  stored.case_id = CaseId{as_int(row[12])};
  stored.status = desk::parse_status(as_text(row[13])).value_or(CaseStatus::kNew);
  stored.assignee = as_text(row[14]);
  stored.seq = as_int(row[15]);
  return stored;
}

Case case_from(const SqlRow& row) {
  Case result;
  result.id = CaseId{as_int(row[0])};
  result.subject_key = as_text(row[1]);
  result.status = desk::parse_status(as_text(row[2])).value_or(CaseStatus::kNew);
  result.assignee = as_text(row[3]);
  result.snoozed_until_ms = optional_int(row[4]);
  if (!is_null(row[5])) result.close_reason = desk::parse_close_reason(as_text(row[5]));
  if (!is_null(row[6])) result.merged_into = CaseId{as_int(row[6])};
  result.max_severity = severity_of(as_int(row[7]));
  result.alert_count = as_int(row[8]);
  result.created_ms = as_int(row[9]);
  result.updated_ms = as_int(row[10]);
  return result;
}

desk::CloseProposal proposal_from(const SqlRow& row) {
  desk::CloseProposal proposal;
  proposal.id = ProposalId{as_int(row[0])};
  proposal.case_id = CaseId{as_int(row[1])};
  proposal.reason = desk::parse_close_reason(as_text(row[2])).value_or(CloseReason::kExplained);
  proposal.note = as_text(row[3]);
  proposal.proposed_by = as_text(row[4]);
  proposal.proposed_ms = as_int(row[5]);
  proposal.state = desk::parse_proposal_state(as_text(row[6])).value_or(ProposalState::kPending);
  proposal.decided_by = as_text(row[7]);
  proposal.decided_ms = optional_int(row[8]);
  return proposal;
}

desk::HitDecision decision_from(const SqlRow& row) {
  desk::HitDecision decision;
  decision.id = desk::DecisionId{as_int(row[0])};
  decision.party_key = as_text(row[1]);
  decision.list_entry_id = as_text(row[2]);
  decision.verdict = desk::parse_verdict(as_text(row[3])).value_or(desk::HitVerdict::kTrueMatch);
  decision.reason = as_text(row[4]);
  decision.decided_by = as_text(row[5]);
  decision.decided_ms = as_int(row[6]);
  decision.revoked = as_int(row[7]) != 0;
  decision.revoked_by = as_text(row[8]);
  decision.revoked_ms = optional_int(row[9]);
  return decision;
}

desk::AuditEntry audit_entry_from(const SqlRow& row) {
  return desk::AuditEntry{as_int(row[0]),  as_int(row[1]),  as_text(row[2]), as_text(row[3]),
                          as_text(row[4]), as_text(row[5]), as_text(row[6]), as_text(row[7]),
                          as_text(row[8]), as_text(row[9])};
}

desk::User user_from(const SqlRow& row) {
  desk::User user;
  user.name = as_text(row[0]);
  user.role = desk::parse_role(as_text(row[1])).value_or(desk::Role::kAuditor);
  user.password_hash = as_text(row[2]);
  user.disabled = as_int(row[3]) != 0;
  user.created_ms = as_int(row[4]);
  return user;
}

desk::ApiToken token_from(const SqlRow& row) {
  desk::ApiToken token;
  token.id = desk::TokenId{as_int(row[0])};
  token.user = as_text(row[1]);
  token.token_hash = as_text(row[2]);
  token.label = as_text(row[3]);
  token.created_ms = as_int(row[4]);
  token.expires_ms = optional_int(row[5]);
  token.revoked = as_int(row[6]) != 0;
  return token;
}

Error error(std::string_view code, std::string message) {
  return make_error(std::string(code), std::move(message));
}

std::string case_name(CaseId id) { return "case " + std::to_string(static_cast<int64_t>(id)); }

std::string_view sort_column(desk::SortField field) {
  switch (field) {
    case desk::SortField::kEventTime:
      return "a.event_time_ms";
    case desk::SortField::kScore:
      return "a.score";
    case desk::SortField::kSeverity:
      return "a.severity";
  }
  return "a.event_time_ms";
}

bool has_nul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

Result<void> check_filter(const AlertFilter& filter) {
  for (const auto* value :
       {&filter.rule_id, &filter.typology, &filter.subject_key, &filter.assignee}) {
    if (*value && has_nul(**value)) {
      return error(errc::kInvalidArgument, "a filter value holds a NUL byte");
    }
  }
  return outcome::success();
}

// "?, ?, ?" for n values.
std::string placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

class SqlDeskStore final : public desk::DeskStore {
 public:
  SqlDeskStore(std::unique_ptr<SqlSession> session, DeskSqlDialect dialect, desk::DeskClock clock)
      : session_(std::move(session)),
        dialect_(std::move(dialect)),
        clock_(std::move(clock)),
        migrations_(migrations_for(dialect_)) {}

  Result<int> migrate() override {
    return in_transaction([&]() -> Result<int> {
      if (!dialect_.migration_lock.empty()) {
        NEXUS_TRY(run(dialect_.migration_lock, {}));
      }
      NEXUS_TRY(
          run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
              " applied_ms BIGINT NOT NULL)",
              {}));
      NEXUS_TRY(rows, session_->query("SELECT COALESCE(MAX(version), 0) FROM schema_version", {}));
      const int current = rows.empty() ? 0 : static_cast<int>(as_int(rows[0][0]));
      if (current > kSchemaVersion) {
        return error(errc::kSchemaTooNew,
                     "the desk database (" + dialect_.name + ") has schema version " +
                         std::to_string(current) + ", newer than this nexus binary knows (" +
                         std::to_string(kSchemaVersion) +
                         "): run a newer nexus, or restore a backup made for this version");
      }
      for (const auto& migration : migrations_) {
        if (migration.version <= current) continue;
        for (const auto& statement : migration.statements) {
          NEXUS_TRY(run(statement, {}));
        }
        if (migration.version == 3) {
          NEXUS_TRY(chain_earlier_rows());
        }
        NEXUS_TRY(run("INSERT INTO schema_version (version, applied_ms) VALUES (?, ?)",
                      {int64_t{migration.version}, clock_()}));
      }
      return kSchemaVersion;
    });
  }

  // A database from before the chain: its case events and audit rows become the first
  // entries, in time order, with their own times and the role "unrecorded".
  Result<void> chain_earlier_rows() {
    NEXUS_TRY(rows, session_->query(
                        "SELECT at_ms, actor, 'case.' || kind, 'case:' || case_id, details, id, 0"
                        " FROM case_events UNION ALL"
                        " SELECT at_ms, actor, action, target, details, id, 1 FROM audit_log"
                        " ORDER BY 1, 7, 6",
                        {}));
    for (const auto& row : rows) {
      desk::AuditRecord record{as_text(row[1]), "unrecorded", as_text(row[2]),
                               as_text(row[3]), "{}",         as_text(row[4])};
      NEXUS_TRY(append_chain(record, as_int(row[0])));
    }
    return outcome::success();
  }

  // ---- alerts ----

  Result<bool> insert_alert(const AlertRecord& alert) override {
    return in_transaction([&]() -> Result<bool> { return insert_one(alert, clock_()); });
  }

  Result<size_t> insert_batch(std::span<const AlertRecord> alerts) override {
    return in_transaction([&]() -> Result<size_t> {
      // Take every subject's lock up front, in one order, so two desks inserting
      // overlapping batches queue instead of deadlocking.
      if (!dialect_.subject_lock.empty()) {
        std::set<std::string> subjects;
        for (const auto& alert : alerts) subjects.insert(alert.subject_key);
        for (const auto& subject : subjects) {
          NEXUS_TRY(run(dialect_.subject_lock, {subject}));
        }
      }
      const int64_t now = clock_();
      size_t added = 0;
      for (const auto& alert : alerts) {
        NEXUS_TRY(is_new, insert_one(alert, now));
        if (is_new) ++added;
      }
      return added;
    });
  }

  Result<std::optional<StoredAlert>> get_alert(std::string_view id) override {
    NEXUS_TRY(rows, session_->query(
                        "SELECT " + std::string(kAlertColumns) + " FROM alerts a WHERE a.id = ?",
                        Params{text(id)}));
    if (rows.empty()) return std::optional<StoredAlert>{};
    return std::optional<StoredAlert>{alert_from(rows[0])};
  }

  Result<desk::AlertPage> query_alerts(const desk::AlertQuery& query) override {
    NEXUS_TRY(check_filter(query.filter));
    const int limit = std::clamp(query.limit, 1, 1000);
    std::string sql = "SELECT " + std::string(kAlertColumns) + " FROM alerts a WHERE 1 = 1";
    Params params;
    append_filter(query.filter, /*with_status=*/true, query.sort.field, &sql, &params);
    const std::string column(sort_column(query.sort.field));
    const std::string_view direction = query.sort.descending ? " DESC" : " ASC";
    if (!query.cursor.empty()) {
      NEXUS_TRY(position, desk::decode_cursor(query.cursor, query.sort));
      sql += " AND (" + column + ", a.seq) " + (query.sort.descending ? "<" : ">") + " (?, ?)";
      if (query.sort.field == desk::SortField::kScore) {
        params.emplace_back(position.score_key);
      } else {
        params.emplace_back(position.int_key);
      }
      params.emplace_back(position.seq);
    }
    sql += " ORDER BY " + column + std::string(direction) + ", a.seq" + std::string(direction) +
           " LIMIT ?";
    params.emplace_back(int64_t{limit} + 1);  // one more tells whether a next page exists
    NEXUS_TRY(rows, session_->query(sql, params));
    desk::AlertPage page;
    for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(limit); ++i) {
      page.alerts.push_back(alert_from(rows[i]));
    }
    if (rows.size() > static_cast<size_t>(limit)) {
      const AlertRecord& last = page.alerts.back().record;
      desk::CursorPosition position;
      position.sort = query.sort;
      position.seq = page.alerts.back().seq;
      position.score_key = last.score;
      position.int_key = query.sort.field == desk::SortField::kSeverity
                             ? static_cast<int64_t>(last.severity)
                             : last.event_time_ms;
      page.next_cursor = desk::encode_cursor(position);
    }
    return page;
  }

  Result<std::vector<desk::RuleStats>> rule_stats(int64_t now_ms) override {
    constexpr int64_t kDayMs = 24 * 3'600'000;
    NEXUS_TRY(rows,
              session_->query(
                  "SELECT rule_id, rule_version, COUNT(*),"
                  " SUM(CASE WHEN ingested_ms > ? AND ingested_ms <= ? THEN 1 ELSE 0 END),"
                  " SUM(CASE WHEN ingested_ms > ? AND ingested_ms <= ? THEN 1 ELSE 0 END),"
                  " MIN(ingested_ms), MAX(ingested_ms), MIN(seq), MAX(seq)"
                  " FROM alerts GROUP BY rule_id, rule_version ORDER BY rule_id, rule_version",
                  Params{now_ms - kDayMs, now_ms, now_ms - 7 * kDayMs, now_ms}));
    std::vector<desk::RuleStats> stats;
    for (const auto& row : rows) {
      desk::RuleStats item;
      item.rule_id = as_text(row[0]);
      item.rule_version = static_cast<uint32_t>(as_int(row[1]));
      item.total = as_int(row[2]);
      item.last_24h = as_int(row[3]);
      item.last_7d = as_int(row[4]);
      item.first_ms = as_int(row[5]);
      item.last_ms = as_int(row[6]);
      // Two samples, not a scan: hash and title are inside each alert's protobuf bytes.
      NEXUS_TRY(first, stored_alert_pb(as_int(row[7])));
      NEXUS_TRY(last, stored_alert_pb(as_int(row[8])));
      item.first_ruleset_hash = first.ruleset_hash();
      item.last_ruleset_hash = last.ruleset_hash();
      item.title = last.title();
      item.severity = last.severity();
      stats.push_back(std::move(item));
    }
    return stats;
  }

  Result<std::map<CaseStatus, int64_t>> count_by_status(const AlertFilter& filter) override {
    NEXUS_TRY(check_filter(filter));
    std::string sql = "SELECT a.status, COUNT(*) FROM alerts a WHERE 1 = 1";
    Params params;
    append_filter(filter, /*with_status=*/false, std::nullopt, &sql, &params);
    sql += " GROUP BY a.status";
    NEXUS_TRY(rows, session_->query(sql, params));
    std::map<CaseStatus, int64_t> counts;
    for (const auto& row : rows) {
      if (auto status = desk::parse_status(as_text(row[0]))) counts[*status] = as_int(row[1]);
    }
    return counts;
  }

  // ---- cases: reads ----

  Result<std::optional<Case>> get_case(CaseId id) override {
    NEXUS_TRY(rows,
              session_->query("SELECT " + std::string(kCaseColumns) + " FROM cases WHERE id = ?",
                              Params{static_cast<int64_t>(id)}));
    if (rows.empty()) return std::optional<Case>{};
    return std::optional<Case>{case_from(rows[0])};
  }

  Result<std::vector<Case>> list_cases(std::string_view subject_key) override {
    std::string sql = "SELECT " + std::string(kCaseColumns) + " FROM cases";
    Params params;
    if (!subject_key.empty()) {
      sql += " WHERE subject_key = ?";
      params.push_back(text(subject_key));
    }
    NEXUS_TRY(rows, session_->query(sql + " ORDER BY id", params));
    std::vector<Case> cases;
    for (const auto& row : rows) cases.push_back(case_from(row));
    return cases;
  }

  Result<std::vector<std::string>> case_alert_ids(CaseId id) override {
    NEXUS_TRY(rows,
              session_->query("SELECT id FROM alerts WHERE case_id = ? ORDER BY event_time_ms, id",
                              Params{static_cast<int64_t>(id)}));
    std::vector<std::string> ids;
    for (const auto& row : rows) ids.push_back(as_text(row[0]));
    return ids;
  }

  Result<std::vector<StoredAlert>> case_alerts(CaseId id, int limit) override {
    NEXUS_TRY(rows, session_->query(
                        "SELECT " + std::string(kAlertColumns) +
                            " FROM alerts a WHERE a.case_id = ?"
                            " ORDER BY a.event_time_ms, a.id LIMIT ?",
                        Params{static_cast<int64_t>(id), int64_t{std::clamp(limit, 1, 10000)}}));
    std::vector<StoredAlert> alerts;
    for (const auto& row : rows) alerts.push_back(alert_from(row));
    return alerts;
  }

  Result<std::vector<desk::CaseEvent>> case_events(CaseId id) override {
    NEXUS_TRY(rows, session_->query("SELECT id, case_id, at_ms, actor, kind, details"
                                    " FROM case_events WHERE case_id = ? ORDER BY id",
                                    Params{static_cast<int64_t>(id)}));
    std::vector<desk::CaseEvent> events;
    for (const auto& row : rows) {
      events.push_back(desk::CaseEvent{as_int(row[0]), CaseId{as_int(row[1])}, as_int(row[2]),
                                       as_text(row[3]), as_text(row[4]), as_text(row[5])});
    }
    return events;
  }

  Result<std::optional<desk::CloseProposal>> get_proposal(ProposalId id) override {
    NEXUS_TRY(rows, session_->query("SELECT " + std::string(kProposalColumns) +
                                        " FROM close_proposals WHERE id = ?",
                                    Params{static_cast<int64_t>(id)}));
    if (rows.empty()) return std::optional<desk::CloseProposal>{};
    return std::optional<desk::CloseProposal>{proposal_from(rows[0])};
  }

  Result<std::vector<desk::CloseProposal>> case_proposals(CaseId id) override {
    NEXUS_TRY(rows, session_->query("SELECT " + std::string(kProposalColumns) +
                                        " FROM close_proposals WHERE case_id = ? ORDER BY id",
                                    Params{static_cast<int64_t>(id)}));
    std::vector<desk::CloseProposal> proposals;
    for (const auto& row : rows) proposals.push_back(proposal_from(row));
    return proposals;
  }

  // ---- cases: human actions ----

  Result<void> set_status(const Actor& actor, CaseId id, CaseStatus to,
                          std::string_view note) override {
    return in_transaction([&]() -> Result<void> {
      NEXUS_TRY(current, lock_case(id));
      NEXUS_TRY(desk::check_transition(actor.role, current.status, to));
      if (current.merged_into) {
        return error(errc::kInvalidState, case_name(id) + " was merged into " +
                                              case_name(*current.merged_into) +
                                              "; work that case instead");
      }
      const bool reopen = current.status == CaseStatus::kClosed;
      NEXUS_TRY(run(reopen ? "UPDATE cases SET status = ?, close_reason = NULL, updated_ms = ?"
                             " WHERE id = ?"
                           : "UPDATE cases SET status = ?, updated_ms = ? WHERE id = ?",
                    {text(desk::status_name(to)), clock_(), static_cast<int64_t>(id)}));
      NEXUS_TRY(sync_alerts(id, to, current.assignee));
      return add_event(id, actor, reopen ? "reopened" : "status",
                       {{"from", desk::status_name(current.status)},
                        {"to", desk::status_name(to)},
                        {"note", note}},
                       {{"status", desk::status_name(current.status)}},
                       {{"status", desk::status_name(to)}});
    });
  }

  Result<void> assign(const Actor& actor, CaseId id, std::string_view assignee) override {
    return in_transaction([&]() -> Result<void> {
      NEXUS_TRY(desk::require(actor.role, Action::kAssignCase));
      NEXUS_TRY(current, lock_open_case(id, "be assigned"));
      NEXUS_TRY(run("UPDATE cases SET assignee = ?, updated_ms = ? WHERE id = ?",
                    {text(assignee), clock_(), static_cast<int64_t>(id)}));
      NEXUS_TRY(sync_alerts(id, current.status, assignee));
      return add_event(id, actor, "assigned", {{"from", current.assignee}, {"to", assignee}},
                       {{"assignee", current.assignee}}, {{"assignee", assignee}});
    });
  }

  Result<void> comment(const Actor& actor, CaseId id, std::string_view body) override {
    return in_transaction([&]() -> Result<void> {
      NEXUS_TRY(desk::require(actor.role, Action::kCommentCase));
      if (body.empty()) return error(errc::kInvalidArgument, "a comment needs text");
      NEXUS_TRY(lock_case(id));
      NEXUS_TRY(touch(id));
      return add_event(id, actor, "comment", {{"text", body}});
    });
  }

  Result<void> snooze(const Actor& actor, CaseId id, std::optional<int64_t> until_ms) override {
    return in_transaction([&]() -> Result<void> {
      NEXUS_TRY(desk::require(actor.role, Action::kSnoozeCase));
      NEXUS_TRY(current, lock_open_case(id, "be snoozed"));
      NEXUS_TRY(run("UPDATE cases SET snoozed_until_ms = ?, updated_ms = ? WHERE id = ?",
                    {optional_value(until_ms), clock_(), static_cast<int64_t>(id)}));
      return add_event(
          id, actor, "snoozed",
          {{"until_ms", until_ms ? nlohmann::json(*until_ms) : nlohmann::json()}},
          {{"until_ms", current.snoozed_until_ms ? nlohmann::json(*current.snoozed_until_ms)
                                                 : nlohmann::json()}});
    });
  }

  Result<void> close_case(const Actor& actor, CaseId id, CloseReason reason,
                          std::string_view note) override {
    return in_transaction([&]() -> Result<void> {
      NEXUS_TRY(current, lock_case(id));
      NEXUS_TRY(desk::check_close(actor.role, current.status, reason));
      if (desk::needs_four_eyes(reason, current.max_severity)) {
        return error(errc::kFourEyes,
                     case_name(id) + ": closing as '" +
                         std::string(desk::close_reason_name(reason)) +
                         "' needs four eyes (a reported case, or one holding a high or critical"
                         " alert): propose the close and have another supervisor approve it");
      }
      return close(current, reason, actor,
                   {{"reason", desk::close_reason_name(reason)}, {"note", note}});
    });
  }

  Result<ProposalId> propose_close(const Actor& actor, CaseId id, CloseReason reason,
                                   std::string_view note) override {
    return in_transaction([&]() -> Result<ProposalId> {
      NEXUS_TRY(current, lock_case(id));
      NEXUS_TRY(desk::check_propose_close(actor.role, current.status, reason));
      NEXUS_TRY(pending, session_->query("SELECT id FROM close_proposals WHERE case_id = ?"
                                         " AND state = 'pending'",
                                         Params{static_cast<int64_t>(id)}));
      if (!pending.empty()) {
        return error(errc::kConflict, case_name(id) + " already has a pending close proposal (" +
                                          std::to_string(as_int(pending[0][0])) + ")");
      }
      const int64_t now = clock_();
      NEXUS_TRY(rows, session_->query(
                          "INSERT INTO close_proposals (case_id, reason, note,"
                          " proposed_by, proposed_ms, state)"
                          " VALUES (?, ?, ?, ?, ?, 'pending') RETURNING id",
                          Params{static_cast<int64_t>(id), text(desk::close_reason_name(reason)),
                                 text(note), text(actor.user), now}));
      const ProposalId proposal{as_int(rows.at(0)[0])};
      NEXUS_TRY(touch(id));
      NEXUS_TRY(add_event(id, actor, "close_proposed",
                          {{"proposal", static_cast<int64_t>(proposal)},
                           {"reason", desk::close_reason_name(reason)},
                           {"note", note},
                           {"four_eyes", desk::needs_four_eyes(reason, current.max_severity)}}));
      return proposal;
    });
  }

  Result<void> approve_close(const Actor& actor, ProposalId id, std::string_view note) override {
    return in_transaction([&]() -> Result<void> {
      NEXUS_TRY(proposal, pending_proposal(id));
      NEXUS_TRY(desk::check_decision_on_proposal(actor, proposal.proposed_by));
      NEXUS_TRY(current, lock_case(proposal.case_id));
      NEXUS_TRY(desk::check_close(actor.role, current.status, proposal.reason));
      NEXUS_TRY(decide(id, ProposalState::kApproved, actor.user));
      NEXUS_TRY(add_event(current.id, actor, "close_approved",
                          {{"proposal", static_cast<int64_t>(id)},
                           {"proposed_by", proposal.proposed_by},
                           {"note", note}}));
      return close(current, proposal.reason, actor,
                   {{"reason", desk::close_reason_name(proposal.reason)},
                    {"note", proposal.note},
                    {"proposal", static_cast<int64_t>(id)},
                    {"proposed_by", proposal.proposed_by}});
    });
  }

  Result<void> reject_close(const Actor& actor, ProposalId id, std::string_view note) override {
    return in_transaction([&]() -> Result<void> {
      NEXUS_TRY(proposal, pending_proposal(id));
      NEXUS_TRY(desk::check_decision_on_proposal(actor, proposal.proposed_by));
      NEXUS_TRY(lock_case(proposal.case_id));
      NEXUS_TRY(decide(id, ProposalState::kRejected, actor.user));
      NEXUS_TRY(touch(proposal.case_id));
      return add_event(proposal.case_id, actor, "close_rejected",
                       {{"proposal", static_cast<int64_t>(id)},
                        {"proposed_by", proposal.proposed_by},
                        {"note", note}});
    });
  }

  Result<void> merge_cases(const Actor& actor, CaseId into, CaseId from) override {
    return in_transaction([&]() -> Result<void> {
      NEXUS_TRY(desk::require(actor.role, Action::kMergeSplitCases));
      if (into == from) return error(errc::kInvalidArgument, "a case cannot merge into itself");
      // Row locks in id order, so two opposite merges queue instead of deadlocking.
      const bool into_first = static_cast<int64_t>(into) < static_cast<int64_t>(from);
      NEXUS_TRY(lock_case(into_first ? into : from));
      NEXUS_TRY(target, lock_open_case(into, "take a merge"));
      NEXUS_TRY(source, lock_open_case(from, "be merged"));
      const int64_t now = clock_();
      NEXUS_TRY(moved, session_->exec("UPDATE alerts SET case_id = ?, status = ?, assignee = ?"
                                      " WHERE case_id = ?",
                                      Params{static_cast<int64_t>(into),
                                             text(desk::status_name(target.status)),
                                             text(target.assignee), static_cast<int64_t>(from)}));
      NEXUS_TRY(recount(into, now));
      NEXUS_TRY(recount(from, now));
      NEXUS_TRY(
          run("UPDATE cases SET status = 'closed', close_reason = 'merged',"
              " merged_into = ?, snoozed_until_ms = NULL WHERE id = ?",
              {static_cast<int64_t>(into), static_cast<int64_t>(from)}));
      NEXUS_TRY(cancel_pending(from, actor.user));
      NEXUS_TRY(add_event(into, actor, "merged",
                          {{"from", static_cast<int64_t>(from)}, {"alerts", moved}}));
      return add_event(from, actor, "merged_into",
                       {{"into", static_cast<int64_t>(into)},
                        {"alerts", moved},
                        {"was", desk::status_name(source.status)}});
    });
  }

  Result<CaseId> split_case(const Actor& actor, CaseId id,
                            std::span<const std::string> alert_ids) override {
    return in_transaction([&]() -> Result<CaseId> {
      NEXUS_TRY(desk::require(actor.role, Action::kMergeSplitCases));
      NEXUS_TRY(current, lock_open_case(id, "be split"));
      const std::set<std::string> chosen(alert_ids.begin(), alert_ids.end());
      if (chosen.empty()) return error(errc::kInvalidArgument, "a split needs alerts to move");
      for (const auto& alert_id : chosen) {
        NEXUS_TRY(rows,
                  session_->query("SELECT case_id FROM alerts WHERE id = ?", Params{alert_id}));
        if (rows.empty() || as_int(rows[0][0]) != static_cast<int64_t>(id)) {
          return error(errc::kInvalidArgument, "alert " + alert_id + " is not in " + case_name(id));
        }
      }
      if (static_cast<int64_t>(chosen.size()) >= current.alert_count) {
        return error(errc::kInvalidArgument,
                     "a split leaves at least one alert in " + case_name(id));
      }
      const int64_t now = clock_();
      NEXUS_TRY(created, new_case(current.subject_key, current.assignee, now));
      nlohmann::json moved = nlohmann::json::array();
      for (const auto& alert_id : chosen) {
        NEXUS_TRY(run("UPDATE alerts SET case_id = ?, status = 'new', assignee = ? WHERE id = ?",
                      {static_cast<int64_t>(created), text(current.assignee), alert_id}));
        moved.push_back(alert_id);
      }
      NEXUS_TRY(recount(id, now));
      NEXUS_TRY(recount(created, now));
      NEXUS_TRY(add_event(id, actor, "split",
                          {{"new_case", static_cast<int64_t>(created)}, {"alerts", moved}}));
      NEXUS_TRY(add_event(created, actor, "split_from",
                          {{"case", static_cast<int64_t>(id)}, {"alerts", moved}}));
      return created;
    });
  }

  // ---- users and tokens ----

  Result<void> create_user(const Actor& actor, const desk::User& user) override {
    return in_transaction([&]() -> Result<void> {
      NEXUS_TRY(desk::require(actor.role, Action::kManageUsers));
      if (user.name.empty()) return error(errc::kInvalidArgument, "a user needs a name");
      NEXUS_TRY(added,
                session_->exec("INSERT INTO users (name, role, password_hash, disabled,"
                               " created_ms) VALUES (?, ?, ?, ?, ?)"
                               " ON CONFLICT DO NOTHING",
                               Params{user.name, text(desk::role_name(user.role)),
                                      user.password_hash, int64_t{user.disabled}, clock_()}));
      if (added == 0) return error(errc::kConflict, "user '" + user.name + "' exists");
      return audit(actor, "user.create", "user:" + user.name,
                   {{"role", desk::role_name(user.role)}, {"disabled", user.disabled}});
    });
  }

  Result<std::optional<desk::User>> get_user(std::string_view name) override {
    NEXUS_TRY(rows,
              session_->query("SELECT " + std::string(kUserColumns) + " FROM users WHERE name = ?",
                              Params{text(name)}));
    if (rows.empty()) return std::optional<desk::User>{};
    return std::optional<desk::User>{user_from(rows[0])};
  }

  Result<std::vector<desk::User>> list_users() override {
    NEXUS_TRY(rows, session_->query(
                        "SELECT " + std::string(kUserColumns) + " FROM users ORDER BY name", {}));
    std::vector<desk::User> users;
    for (const auto& row : rows) users.push_back(user_from(row));
    return users;
  }

  Result<void> set_user_role(const Actor& actor, std::string_view name, desk::Role role) override {
    NEXUS_TRY(before, get_user(name));
    return update_user(actor, name, "role", text(desk::role_name(role)), "user.role",
                       {{"role", desk::role_name(role)}},
                       before ? nlohmann::json{{"role", desk::role_name(before->role)}}
                              : nlohmann::json::object());
  }

  Result<void> set_user_disabled(const Actor& actor, std::string_view name,
                                 bool disabled) override {
    NEXUS_TRY(before, get_user(name));
    return update_user(
        actor, name, "disabled", int64_t{disabled}, "user.disable", {{"disabled", disabled}},
        before ? nlohmann::json{{"disabled", before->disabled}} : nlohmann::json::object());
  }

  Result<void> set_password_hash(const Actor& actor, std::string_view name,
                                 std::string_view password_hash) override {
    // The hash itself stays out of the audit row.
    return update_user(actor, name, "password_hash", text(password_hash), "user.password",
                       nlohmann::json::object());
  }

  Result<desk::TokenId> create_token(const Actor& actor, const desk::ApiToken& token) override {
    return in_transaction([&]() -> Result<desk::TokenId> {
      NEXUS_TRY(desk::require(actor.role, Action::kManageUsers));
      NEXUS_TRY(user, get_user(token.user));
      if (!user) return error(errc::kNotFound, "no user '" + token.user + "'");
      if (token.token_hash.empty()) return error(errc::kInvalidArgument, "a token needs a hash");
      NEXUS_TRY(existing, find_token(token.token_hash));
      if (existing) return error(errc::kConflict, "a token with this hash exists");
      NEXUS_TRY(rows, session_->query("INSERT INTO api_tokens (user_name, token_hash, label,"
                                      " created_ms, expires_ms, revoked)"
                                      " VALUES (?, ?, ?, ?, ?, 0) RETURNING id",
                                      Params{token.user, token.token_hash, token.label, clock_(),
                                             optional_value(token.expires_ms)}));
      const desk::TokenId id{as_int(rows.at(0)[0])};
      NEXUS_TRY(audit(actor, "token.create", "token:" + std::to_string(static_cast<int64_t>(id)),
                      {{"user", token.user}, {"label", token.label}}));
      return id;
    });
  }

  Result<std::optional<desk::ApiToken>> find_token(std::string_view token_hash) override {
    NEXUS_TRY(rows, session_->query("SELECT " + std::string(kTokenColumns) +
                                        " FROM api_tokens WHERE token_hash = ?",
                                    Params{text(token_hash)}));
    if (rows.empty()) return std::optional<desk::ApiToken>{};
    return std::optional<desk::ApiToken>{token_from(rows[0])};
  }

  Result<void> revoke_token(const Actor& actor, desk::TokenId id) override {
    return in_transaction([&]() -> Result<void> {
      NEXUS_TRY(desk::require(actor.role, Action::kManageUsers));
      const std::string target = "token:" + std::to_string(static_cast<int64_t>(id));
      NEXUS_TRY(changed, session_->exec("UPDATE api_tokens SET revoked = 1 WHERE id = ?",
                                        Params{static_cast<int64_t>(id)}));
      if (changed == 0) return error(errc::kNotFound, "no " + target);
      return audit(actor, "token.revoke", target, {{"revoked", true}}, {{"revoked", false}});
    });
  }

  Result<std::vector<desk::ApiToken>> list_tokens() override {
    NEXUS_TRY(rows, session_->query("SELECT " + std::string(kTokenColumns) +
                                        " FROM api_tokens ORDER BY id DESC",
                                    {}));
    std::vector<desk::ApiToken> tokens;
    for (const auto& row : rows) tokens.push_back(token_from(row));
    return tokens;
  }

  // ---- hit decisions ----

  Result<desk::DecisionId> decide_hit(const Actor& actor, std::string_view party_key,
                                      std::string_view list_entry_id, desk::HitVerdict verdict,
                                      std::string_view reason) override {
    return in_transaction([&]() -> Result<desk::DecisionId> {
      NEXUS_TRY(desk::require(actor.role, Action::kDecideHit));
      if (party_key.empty() || list_entry_id.empty() || reason.empty()) {
        return error(errc::kInvalidArgument,
                     "a hit decision needs a party, a list entry and a reason");
      }
      NEXUS_TRY(rows, session_->query("INSERT INTO hit_decisions (party_key, list_entry_id,"
                                      " verdict, reason, decided_by, decided_ms)"
                                      " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                                      Params{text(party_key), text(list_entry_id),
                                             text(desk::verdict_name(verdict)), text(reason),
                                             actor.user, clock_()}));
      const desk::DecisionId id{as_int(rows.at(0)[0])};
      NEXUS_TRY(audit(actor, "hit.decide",
                      "hit:" + std::string(party_key) + "/" + std::string(list_entry_id),
                      {{"decision", static_cast<int64_t>(id)},
                       {"verdict", desk::verdict_name(verdict)},
                       {"reason", reason}}));
      return id;
    });
  }

  Result<void> revoke_decision(const Actor& actor, desk::DecisionId id,
                               std::string_view reason) override {
    return in_transaction([&]() -> Result<void> {
      NEXUS_TRY(desk::require(actor.role, Action::kRevokeAllowList));
      NEXUS_TRY(rows, session_->query("SELECT " + std::string(kDecisionColumns) +
                                          " FROM hit_decisions WHERE id = ?",
                                      Params{static_cast<int64_t>(id)}));
      const std::string name = "decision " + std::to_string(static_cast<int64_t>(id));
      if (rows.empty()) return error(errc::kNotFound, "no " + name);
      const desk::HitDecision decision = decision_from(rows[0]);
      if (decision.verdict != desk::HitVerdict::kFalsePositive) {
        return error(errc::kInvalidState,
                     name + " is a true match, not an allow-list entry: decide the hit again");
      }
      if (decision.revoked) return error(errc::kInvalidState, name + " is already revoked");
      NEXUS_TRY(
          run("UPDATE hit_decisions SET revoked = 1, revoked_by = ?, revoked_ms = ?"
              " WHERE id = ?",
              {actor.user, clock_(), static_cast<int64_t>(id)}));
      return audit(actor, "hit.revoke", "hit:" + decision.party_key + "/" + decision.list_entry_id,
                   {{"decision", static_cast<int64_t>(id)}, {"reason", reason}, {"revoked", true}},
                   {{"decision", static_cast<int64_t>(id)},
                    {"verdict", desk::verdict_name(decision.verdict)},
                    {"revoked", false}});
    });
  }

  Result<std::vector<desk::HitDecision>> hit_decisions(std::string_view party_key) override {
    NEXUS_TRY(rows, session_->query("SELECT " + std::string(kDecisionColumns) +
                                        " FROM hit_decisions WHERE party_key = ? ORDER BY id DESC",
                                    Params{text(party_key)}));
    std::vector<desk::HitDecision> decisions;
    for (const auto& row : rows) decisions.push_back(decision_from(row));
    return decisions;
  }

  Result<bool> allow_listed(std::string_view party_key, std::string_view list_entry_id) override {
    NEXUS_TRY(rows, session_->query("SELECT verdict FROM hit_decisions WHERE party_key = ?"
                                    " AND list_entry_id = ? AND revoked = 0"
                                    " ORDER BY id DESC LIMIT 1",
                                    Params{text(party_key), text(list_entry_id)}));
    return !rows.empty() &&
           as_text(rows[0][0]) == desk::verdict_name(desk::HitVerdict::kFalsePositive);
  }

  // ---- the audit chain ----

  Result<int64_t> record(const desk::AuditRecord& record) override {
    return in_transaction([&]() -> Result<int64_t> { return append_chain(record); });
  }

  Result<std::vector<desk::AuditEntry>> audit_entries(const desk::AuditFilter& filter,
                                                      int64_t after_seq, int limit) override {
    std::string sql = "SELECT " + std::string(kAuditColumns) + " FROM audit_entries WHERE seq > ?";
    Params params{after_seq};
    if (filter.actor) {
      sql += " AND actor = ?";
      params.emplace_back(*filter.actor);
    }
    if (filter.object) {
      sql += " AND object = ?";
      params.emplace_back(*filter.object);
    }
    if (filter.action) {
      // "case." matches every case action; anything else matches exactly.
      if (!filter.action->empty() && filter.action->back() == '.') {
        sql += " AND substr(action, 1, ?) = ?";
        params.emplace_back(static_cast<int64_t>(filter.action->size()));
      } else {
        sql += " AND action = ?";
      }
      params.emplace_back(*filter.action);
    }
    if (filter.from_ms) {
      sql += " AND at_ms >= ?";
      params.emplace_back(*filter.from_ms);
    }
    if (filter.to_ms) {
      sql += " AND at_ms < ?";
      params.emplace_back(*filter.to_ms);
    }
    sql += " ORDER BY seq LIMIT ?";
    params.emplace_back(int64_t{std::clamp(limit, 1, 10000)});
    NEXUS_TRY(rows, session_->query(sql, params));
    std::vector<desk::AuditEntry> entries;
    entries.reserve(rows.size());
    for (const auto& row : rows) entries.push_back(audit_entry_from(row));
    return entries;
  }

  Result<std::optional<desk::SignedHead>> sign_audit_head(const desk::AuditKey& key) override {
    return in_transaction([&]() -> Result<std::optional<desk::SignedHead>> {
      if (!dialect_.audit_lock.empty()) {
        NEXUS_TRY(run(dialect_.audit_lock, {}));
      }
      NEXUS_TRY(last, session_->query(
                          "SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1", {}));
      if (last.empty()) return std::optional<desk::SignedHead>{};
      desk::SignedHead head =
          desk::sign_head(key, as_int(last[0][0]), as_text(last[0][1]), clock_());
      NEXUS_TRY(rows, session_->query("INSERT INTO audit_heads (seq, hash, signed_ms,"
                                      " public_key, signature) VALUES (?, ?, ?, ?, ?)"
                                      " RETURNING id",
                                      Params{head.seq, head.hash, head.signed_ms, head.public_key,
                                             head.signature}));
      head.id = as_int(rows.at(0)[0]);
      return std::optional<desk::SignedHead>{head};
    });
  }

  Result<std::vector<desk::SignedHead>> signed_heads() override {
    NEXUS_TRY(rows, session_->query("SELECT id, seq, hash, signed_ms, public_key, signature"
                                    " FROM audit_heads ORDER BY seq, id",
                                    {}));
    std::vector<desk::SignedHead> heads;
    for (const auto& row : rows) {
      heads.push_back(desk::SignedHead{as_int(row[0]), as_int(row[1]), as_text(row[2]),
                                       as_int(row[3]), as_text(row[4]), as_text(row[5])});
    }
    return heads;
  }

  Result<size_t> keep_transactions(std::span<const desk::KeptTransaction> kept) override {
    return in_transaction([&]() -> Result<size_t> {
      const int64_t now = clock_();
      size_t added = 0;
      for (const auto& [transaction, read_order] : kept) {
        std::string bytes;
        if (!transaction.SerializeToString(&bytes)) {
          return error(errc::kInvalidArgument,
                       "transaction " + transaction.id() + " does not serialise");
        }
        const int64_t event_ms = transaction.event_time().seconds() * 1000 +
                                 transaction.event_time().nanos() / 1'000'000;
        NEXUS_TRY(rows, session_->query("INSERT INTO transactions (id, event_time_ms, read_order,"
                                        " transaction_pb, sha256, kept_ms)"
                                        " VALUES (?, ?, ?, ?, ?, ?)"
                                        " ON CONFLICT DO NOTHING RETURNING id",
                                        Params{transaction.id(), event_ms, read_order,
                                               SqlBlob{bytes}, rules::sha256_hex(bytes), now}));
        added += rows.size();
      }
      return added;
    });
  }

  Result<std::vector<desk::KeptTransaction>> kept_transactions(
      std::span<const std::string> ids) override {
    std::vector<desk::KeptTransaction> out;
    for (const auto& id : ids) {
      NEXUS_TRY(rows,
                session_->query("SELECT transaction_pb, read_order FROM transactions WHERE id = ?",
                                Params{id}));
      if (rows.empty()) continue;
      desk::KeptTransaction kept;
      if (!kept.transaction.ParseFromString(as_text(rows[0][0]))) {
        return error(errc::kInvalidState, "kept transaction " + id + " does not parse");
      }
      kept.read_order = as_int(rows[0][1]);
      out.push_back(std::move(kept));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.read_order < b.read_order; });
    return out;
  }

 private:
  // Runs `body` in one transaction: commits when it succeeds, rolls back when it fails.
  template <class Body>
  auto in_transaction(Body&& body) -> decltype(body()) {
    NEXUS_TRY(session_->begin());
    auto result = body();
    if (!result) {
      session_->rollback();
      return result;
    }
    if (auto committed = session_->commit(); !committed) {
      session_->rollback();
      return committed.error();
    }
    return result;
  }

  // The stored alert `seq` as published (empty when its bytes do not parse).
  Result<nexus::v1::Alert> stored_alert_pb(int64_t seq) {
    NEXUS_TRY(rows, session_->query("SELECT alert_pb FROM alerts WHERE seq = ?", Params{seq}));
    nexus::v1::Alert alert;
    if (rows.empty() || !alert.ParseFromString(as_text(rows[0][0]))) alert.Clear();
    return alert;
  }

  Result<void> run(std::string_view sql, Params params) {
    NEXUS_TRY(session_->exec(sql, params));
    return outcome::success();
  }

  Result<bool> insert_one(const AlertRecord& alert, int64_t now) {
    if (alert.id.empty()) return error(errc::kInvalidArgument, "an alert needs an id");
    // PostgreSQL text cannot hold NUL; refusing it in both stores keeps them alike.
    bool nul = has_nul(alert.id) || has_nul(alert.rule_id) || has_nul(alert.subject_key) ||
               has_nul(alert.subject_name) || has_nul(alert.search_text);
    for (const auto& typology : alert.typologies) nul = nul || has_nul(typology);
    if (nul) {
      return error(errc::kInvalidArgument,
                   "alert '" + search_words(alert.id) + "': a text field holds a NUL byte");
    }
    if (!dialect_.subject_lock.empty()) {
      NEXUS_TRY(run(dialect_.subject_lock, {alert.subject_key}));
    }
    NEXUS_TRY(seen, session_->query("SELECT 1 FROM alerts WHERE id = ?", Params{alert.id}));
    if (!seen.empty()) return false;
    CaseId case_id{};
    CaseStatus status = CaseStatus::kNew;
    std::string assignee;
    std::vector<SqlRow> open;
    // Alerts without a subject have nothing to group by: each opens its own case.
    if (!alert.subject_key.empty()) {
      NEXUS_TRY(rows, session_->query("SELECT id, status, assignee FROM cases WHERE subject_key = ?"
                                      " AND status <> 'closed' ORDER BY id LIMIT 1" +
                                          dialect_.for_update,
                                      Params{alert.subject_key}));
      open = std::move(rows);
    }
    if (open.empty()) {
      NEXUS_TRY(created, new_case(alert.subject_key, "", now));
      NEXUS_TRY(add_event(created, "system", "created", {{"alert", alert.id}}));
      case_id = created;
    } else {
      case_id = CaseId{as_int(open[0][0])};
      status = desk::parse_status(as_text(open[0][1])).value_or(CaseStatus::kNew);
      assignee = as_text(open[0][2]);
    }
    nlohmann::json typologies = alert.typologies;
    NEXUS_TRY(
        rows,
        session_->query(
            "INSERT INTO alerts (id, rule_id, rule_version, severity, typologies_json,"
            " subject_key, subject_name, score, event_time_ms, has_sanctions_hit, alert_pb,"
            " search_text, case_id, status, assignee, ingested_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
            Params{alert.id, alert.rule_id, int64_t{alert.rule_version}, int64_t{alert.severity},
                   json_text(typologies), alert.subject_key, alert.subject_name, alert.score,
                   alert.event_time_ms, int64_t{alert.has_sanctions_hit}, SqlBlob{alert.alert_pb},
                   search_words(alert.search_text), static_cast<int64_t>(case_id),
                   text(desk::status_name(status)), assignee, now}));
    const int64_t seq = as_int(rows.at(0)[0]);
    for (const auto& typology : alert.typologies) {
      NEXUS_TRY(
          run("INSERT INTO alert_typologies (typology, alert_seq) VALUES (?, ?)"
              " ON CONFLICT DO NOTHING",
              {typology, seq}));
    }
    if (!dialect_.search_insert.empty()) {
      NEXUS_TRY(run(dialect_.search_insert, {seq, search_words(alert.search_text)}));
    }
    NEXUS_TRY(run(
        "UPDATE cases SET alert_count = alert_count + 1, max_severity = CASE WHEN"
        " max_severity < ? THEN ? ELSE max_severity END, updated_ms = ? WHERE id = ?",
        {int64_t{alert.severity}, int64_t{alert.severity}, now, static_cast<int64_t>(case_id)}));
    return true;
  }

  // `sort`: the queue's sort, which decides which filters may lead an index (none for
  // counts).
  void append_filter(const AlertFilter& filter, bool with_status,
                     std::optional<desk::SortField> sort, std::string* sql, Params* params) const {
    auto equals = [&](std::string_view column, SqlValue value) {
      *sql += " AND " + std::string(column) + " = ?";
      params->push_back(std::move(value));
    };
    if (with_status && !filter.statuses.empty()) {
      // An index led by status gives the sort's order for one status only; for several,
      // SQLite's planner still chose it and sorted every matching row (status=new,in_review
      // sorted by score: the whole queue, 1.4 s at 1M alerts). Hiding the column (`|| ''`:
      // PostgreSQL has no unary plus on text) makes the statuses a filter on the sort's own
      // index, except behind an assignee, whose index narrows to the assignee's rows of
      // those statuses first.
      const bool several = filter.statuses.size() > 1 && !filter.assignee;
      *sql += std::string(several ? " AND (a.status || '') IN (" : " AND a.status IN (") +
              placeholders(filter.statuses.size()) + ")";
      for (const auto status : filter.statuses) params->push_back(text(desk::status_name(status)));
    }
    if (filter.rule_id) equals("a.rule_id", *filter.rule_id);
    if (filter.rule_version) equals("a.rule_version", int64_t{*filter.rule_version});
    // Unary plus keeps SQLite's planner (which has no statistics) from choosing an index
    // on a column of a few values and then sorting most of the table: it scans the sort's
    // index instead and skips the rows that do not match. PostgreSQL plans by statistics
    // either way.
    // One status and one severity sorted by score read alerts_by_status_severity_score:
    // scores follow severity, so walking the status's score order to the first medium
    // alert skipped every high and critical one (2.5 s at 1M alerts).
    const bool severity_leads = sort == desk::SortField::kScore && filter.statuses.size() == 1 &&
                                filter.severities.size() == 1 && !filter.rule_id &&
                                !filter.assignee && !filter.subject_key;
    if (!filter.severities.empty()) {
      *sql += std::string(severity_leads ? " AND a.severity IN (" : " AND +a.severity IN (") +
              placeholders(filter.severities.size()) + ")";
      for (const auto severity : filter.severities) params->push_back(int64_t{severity});
    }
    if (filter.typology) {
      *sql +=
          " AND EXISTS (SELECT 1 FROM alert_typologies t WHERE t.alert_seq = a.seq"
          " AND t.typology = ?)";
      params->push_back(*filter.typology);
    }
    if (filter.subject_key) equals("a.subject_key", *filter.subject_key);
    if (filter.assignee) equals("a.assignee", *filter.assignee);
    if (filter.min_score) {
      *sql += " AND a.score >= ?";
      params->push_back(*filter.min_score);
    }
    if (filter.max_score) {
      *sql += " AND a.score <= ?";
      params->push_back(*filter.max_score);
    }
    if (filter.from_ms) {
      *sql += " AND a.event_time_ms >= ?";
      params->push_back(*filter.from_ms);
    }
    if (filter.to_ms) {
      *sql += " AND a.event_time_ms < ?";
      params->push_back(*filter.to_ms);
    }
    if (filter.has_sanctions_hit) {
      equals("+a.has_sanctions_hit", int64_t{*filter.has_sanctions_hit});
    }
    if (filter.awake_at_ms) {
      // One primary-key probe per candidate row, so the sort's index still drives the scan.
      *sql +=
          " AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = a.case_id"
          " AND c.snoozed_until_ms > ?)";
      params->push_back(*filter.awake_at_ms);
    }
    const auto terms = desk::search_terms(filter.text);
    if (!terms.empty()) {
      *sql += " AND " + dialect_.search_condition;
      params->push_back(dialect_.search_argument(terms));
    }
  }

  Result<CaseId> new_case(const std::string& subject_key, const std::string& assignee,
                          int64_t now) {
    NEXUS_TRY(rows, session_->query("INSERT INTO cases (subject_key, status, assignee,"
                                    " max_severity, alert_count, created_ms, updated_ms)"
                                    " VALUES (?, 'new', ?, 0, 0, ?, ?) RETURNING id",
                                    Params{subject_key, assignee, now, now}));
    return CaseId{as_int(rows.at(0)[0])};
  }

  // The case, locked for this transaction where the database locks rows.
  Result<Case> lock_case(CaseId id) {
    NEXUS_TRY(rows, session_->query("SELECT " + std::string(kCaseColumns) +
                                        " FROM cases WHERE id = ?" + dialect_.for_update,
                                    Params{static_cast<int64_t>(id)}));
    if (rows.empty()) return error(errc::kNotFound, "no " + case_name(id));
    return case_from(rows[0]);
  }

  Result<Case> lock_open_case(CaseId id, std::string_view what) {
    NEXUS_TRY(current, lock_case(id));
    if (current.status == CaseStatus::kClosed) {
      return error(errc::kInvalidState, case_name(id) + " is closed and cannot " +
                                            std::string(what) + " (reopen it first)");
    }
    return current;
  }

  Result<desk::CloseProposal> pending_proposal(ProposalId id) {
    NEXUS_TRY(proposal, get_proposal(id));
    const std::string name = "proposal " + std::to_string(static_cast<int64_t>(id));
    if (!proposal) return error(errc::kNotFound, "no " + name);
    if (proposal->state != ProposalState::kPending) {
      return error(errc::kInvalidState,
                   name + " is already " + std::string(desk::proposal_state_name(proposal->state)));
    }
    return *proposal;
  }

  Result<void> decide(ProposalId id, ProposalState state, const std::string& user) {
    return run("UPDATE close_proposals SET state = ?, decided_by = ?, decided_ms = ? WHERE id = ?",
               {text(desk::proposal_state_name(state)), user, clock_(), static_cast<int64_t>(id)});
  }

  Result<void> cancel_pending(CaseId id, const std::string& user) {
    return run(
        "UPDATE close_proposals SET state = 'cancelled', decided_by = ?, decided_ms = ?"
        " WHERE case_id = ? AND state = 'pending'",
        {user, clock_(), static_cast<int64_t>(id)});
  }

  Result<void> close(const Case& current, CloseReason reason, const Actor& actor,
                     nlohmann::json details) {
    NEXUS_TRY(
        run("UPDATE cases SET status = 'closed', close_reason = ?, snoozed_until_ms = NULL,"
            " updated_ms = ? WHERE id = ?",
            {text(desk::close_reason_name(reason)), clock_(), static_cast<int64_t>(current.id)}));
    NEXUS_TRY(sync_alerts(current.id, CaseStatus::kClosed, current.assignee));
    NEXUS_TRY(cancel_pending(current.id, actor.user));
    details["from"] = desk::status_name(current.status);
    return add_event(current.id, actor, "closed", details,
                     {{"status", desk::status_name(current.status)}}, {{"status", "closed"}});
  }

  // The queue filters on the case's status and assignee through copies on each alert row
  // (so one index serves filter and sort); every case change rewrites them here.
  Result<void> sync_alerts(CaseId id, CaseStatus status, std::string_view assignee) {
    return run("UPDATE alerts SET status = ?, assignee = ? WHERE case_id = ?",
               {text(desk::status_name(status)), text(assignee), static_cast<int64_t>(id)});
  }

  Result<void> recount(CaseId id, int64_t now) {
    const int64_t key = static_cast<int64_t>(id);
    return run(
        "UPDATE cases SET alert_count = (SELECT COUNT(*) FROM alerts WHERE case_id = ?),"
        " max_severity = COALESCE((SELECT MAX(severity) FROM alerts WHERE case_id = ?), 0),"
        " updated_ms = ? WHERE id = ?",
        {key, key, now, key});
  }

  Result<void> touch(CaseId id) {
    return run("UPDATE cases SET updated_ms = ? WHERE id = ?",
               {clock_(), static_cast<int64_t>(id)});
  }

  // A case event: a row of the case's timeline and an entry of the audit chain, in the
  // caller's transaction. `details` are the event's facts (the chain's "after"), `before`
  // the fields it changed as they were.
  // `after` names the changed fields' new values for the chain (the timeline's details say
  // it as from/to).
  Result<void> add_event(CaseId id, const Actor& actor, std::string_view kind,
                         const nlohmann::json& details,
                         const nlohmann::json& before = nlohmann::json::object(),
                         const nlohmann::json& after = nlohmann::json::object()) {
    nlohmann::json facts = details;
    for (const auto& [key, value] : after.items()) facts[key] = value;
    return case_event(id, actor.user, desk::role_name(actor.role), kind, details, before, facts);
  }

  // An event of the desk itself (grouping alerts into cases).
  Result<void> add_event(CaseId id, std::string_view system_actor, std::string_view kind,
                         const nlohmann::json& details) {
    return case_event(id, system_actor, "system", kind, details, nlohmann::json::object(), details);
  }

  Result<void> case_event(CaseId id, std::string_view user, std::string_view role,
                          std::string_view kind, const nlohmann::json& details,
                          const nlohmann::json& before, const nlohmann::json& after) {
    NEXUS_TRY(
        run("INSERT INTO case_events (case_id, at_ms, actor, kind, details)"
            " VALUES (?, ?, ?, ?, ?)",
            {static_cast<int64_t>(id), clock_(), text(user), text(kind), json_text(details)}));
    desk::AuditRecord record{std::string(user), std::string(role), "case." + std::string(kind),
                             case_object(id),   json_text(before), json_text(after)};
    NEXUS_TRY(append_chain(record));
    return outcome::success();
  }

  Result<void> audit(const Actor& actor, std::string_view action, std::string_view target,
                     const nlohmann::json& details,
                     const nlohmann::json& before = nlohmann::json::object()) {
    desk::AuditRecord record{actor.user,          std::string(desk::role_name(actor.role)),
                             std::string(action), std::string(target),
                             json_text(before),   json_text(details)};
    NEXUS_TRY(append_chain(record));
    return outcome::success();
  }

  static std::string case_object(CaseId id) {
    return "case:" + std::to_string(static_cast<int64_t>(id));
  }

  // Appends one entry to the chain after the newest one (serialised across connections by
  // the dialect's audit lock, or by SQLite's write lock) and returns its seq.
  Result<int64_t> append_chain(const desk::AuditRecord& record, std::optional<int64_t> at_ms = {}) {
    if (!dialect_.audit_lock.empty()) {
      NEXUS_TRY(run(dialect_.audit_lock, {}));
    }
    NEXUS_TRY(last,
              session_->query("SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1", {}));
    desk::AuditEntry entry;
    entry.seq = last.empty() ? 1 : as_int(last[0][0]) + 1;
    entry.prev_hash = last.empty() ? desk::genesis_hash() : as_text(last[0][1]);
    entry.at_ms = at_ms.value_or(clock_());
    entry.actor = record.actor;
    entry.role = record.role;
    entry.action = record.action;
    entry.object = record.object;
    entry.before_json = record.before_json;
    entry.after_json = record.after_json;
    entry.hash = desk::chain_hash(entry.prev_hash, entry);
    if (entry.hash.empty()) {
      return error(errc::kInvalidState, "the audit log's newest entry " +
                                            std::to_string(entry.seq - 1) +
                                            " holds no valid hash: run nexus audit verify");
    }
    NEXUS_TRY(
        run("INSERT INTO audit_entries (seq, at_ms, actor, role, action, object,"
            " before_json, after_json, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {entry.seq, entry.at_ms, entry.actor, entry.role, entry.action, entry.object,
             entry.before_json, entry.after_json, entry.prev_hash, entry.hash}));
    return entry.seq;
  }

  Result<void> update_user(const Actor& actor, std::string_view name, std::string_view column,
                           SqlValue value, std::string_view action, nlohmann::json details,
                           nlohmann::json before = nlohmann::json::object()) {
    return in_transaction([&]() -> Result<void> {
      NEXUS_TRY(desk::require(actor.role, Action::kManageUsers));
      // `column` is one of three fixed names from this file, never caller text.
      NEXUS_TRY(changed,
                session_->exec("UPDATE users SET " + std::string(column) + " = ? WHERE name = ?",
                               Params{std::move(value), text(name)}));
      if (changed == 0) return error(errc::kNotFound, "no user '" + std::string(name) + "'");
      return audit(actor, action, "user:" + std::string(name), details, before);
    });
  }

  std::unique_ptr<SqlSession> session_;
  DeskSqlDialect dialect_;
  desk::DeskClock clock_;
  std::vector<Migration> migrations_;
};

}  // namespace

int64_t as_int(const SqlValue& value) {
  if (const auto* number = std::get_if<int64_t>(&value)) return *number;
  if (const auto* real = std::get_if<double>(&value)) return static_cast<int64_t>(*real);
  return 0;
}

double as_double(const SqlValue& value) {
  if (const auto* real = std::get_if<double>(&value)) return *real;
  if (const auto* number = std::get_if<int64_t>(&value)) return static_cast<double>(*number);
  return 0;
}

std::string as_text(const SqlValue& value) {
  if (const auto* string = std::get_if<std::string>(&value)) return *string;
  if (const auto* blob = std::get_if<SqlBlob>(&value)) return blob->bytes;
  return {};
}

Result<std::unique_ptr<desk::DeskStore>> open_sql_desk_store(std::unique_ptr<SqlSession> session,
                                                             DeskSqlDialect dialect,
                                                             desk::DeskClock clock) {
  auto store =
      std::make_unique<SqlDeskStore>(std::move(session), std::move(dialect), std::move(clock));
  NEXUS_TRY(store->migrate());
  return std::unique_ptr<desk::DeskStore>(std::move(store));
}

}  // namespace nexus::connectors::detail
