// DeskStore: everything the review desk keeps, behind one interface, so the desk's logic
// never sees SQL and the same tests run against every implementation (SQLite and
// PostgreSQL in connectors/).
//
// Writes that are a human action take the acting user, check the permission table and the
// case rules (case_rules.hpp) inside the store's transaction, and append a case event or an
// audit row in that same transaction: either the change and its record commit, or neither.
// Reads take no actor: the caller (the HTTP layer) checks `allowed(role, kRead...)`.
//
// Threading: one store object is used by one thread at a time (it owns one database
// connection). Several stores (threads, processes, desks) may share one database: the
// implementations serialise what must be serial (grouping alerts of one subject) in the
// database itself.
#pragma once

#include "nexus/v1/transaction.pb.h"

#include "base/result.hpp"
#include "desk/alert_query.hpp"
#include "desk/alert_record.hpp"
#include "desk/audit_chain.hpp"
#include "desk/case.hpp"
#include "desk/hit_decision.hpp"
#include "desk/roles.hpp"
#include "desk/user.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::desk {

/// A payment the desk keeps, with where it stood in the input the engine read: the
/// transaction files' order (file index << 40 | record ordinal), so a case's payments are
/// replayed in the engine's order.
struct KeptTransaction {
  nexus::v1::Transaction transaction;
  int64_t read_order = 0;
};

/// Milliseconds since the Unix epoch; injected so tests run on a manual clock.
using DeskClock = std::function<int64_t()>;
/// The wall clock, for production wiring.
DeskClock system_desk_clock();

/// An alert as stored, with the state of the case it belongs to.
struct StoredAlert {
  AlertRecord record;
  CaseId case_id{};
  CaseStatus status = CaseStatus::kNew;
  std::string assignee;
  int64_t seq = 0;  // arrival order in this store: the sort's tiebreak
};

struct AlertPage {
  std::vector<StoredAlert> alerts;
  std::string next_cursor;  // empty when this page is the last
};

/// Which audit entries to read; every field optional.
struct AuditFilter {
  std::optional<std::string> actor;
  std::optional<std::string> action;  // exact, or a prefix ending in "." ("case.")
  std::optional<std::string> object;  // exact ("case:12", "user:alice")
  std::optional<int64_t> from_ms;     // at_ms >= from
  std::optional<int64_t> to_ms;       // at_ms < to
};

/// How often one version of one rule alerted: by arrival (when this store stored the
/// alert), since event times may be synthetic or replayed.
struct RuleStats {
  std::string rule_id;
  uint32_t rule_version = 0;
  int64_t total = 0;
  int64_t last_24h = 0;  // stored in (now - 24 h, now]
  int64_t last_7d = 0;   // stored in (now - 7 d, now]
  int64_t first_ms = 0;  // arrival of the first and the last of them
  int64_t last_ms = 0;
  /// The rule sets (nexus.v1.Alert.ruleset_hash) of the first and the newest of them;
  /// equal when one rule set raised them all, as far as two samples tell.
  std::string first_ruleset_hash;
  std::string last_ruleset_hash;
  std::string title;  // of the newest of them
  nexus::v1::Severity severity = nexus::v1::SEVERITY_UNSPECIFIED;
};

class DeskStore {
 public:
  DeskStore() = default;
  DeskStore(const DeskStore&) = delete;
  DeskStore& operator=(const DeskStore&) = delete;
  DeskStore(DeskStore&&) = delete;
  DeskStore& operator=(DeskStore&&) = delete;
  virtual ~DeskStore() = default;

  /// Brings the schema to the version this binary knows, in one transaction, and returns
  /// it. Refuses (errc::kSchemaTooNew) a database written by a newer binary. Idempotent;
  /// the open functions already call it.
  virtual Result<int> migrate() = 0;

  // ---- alerts (from the alerts topic; not a human action) ----

  /// Stores `alert` unless its id is already stored; true when it was new. A new alert
  /// joins the oldest open case of its subject, or opens a new case.
  virtual Result<bool> insert_alert(const AlertRecord& alert) = 0;
  /// insert_alert for each, in one transaction (the throughput path); returns how many
  /// were new. All or nothing on error.
  virtual Result<size_t> insert_batch(std::span<const AlertRecord> alerts) = 0;
  virtual Result<std::optional<StoredAlert>> get_alert(std::string_view id) = 0;
  /// One page of the queue: filtered, sorted, resumed after `query.cursor` (keyset).
  virtual Result<AlertPage> query_alerts(const AlertQuery& query) = 0;
  /// Per (rule_id, rule_version), by rule id then version: the counts of stored alerts in
  /// the windows ending at `now_ms`. Cost: one scan of the alerts (a grouped count).
  virtual Result<std::vector<RuleStats>> rule_stats(int64_t now_ms) = 0;
  /// Alerts matching `filter` (its status list ignored) per case status.
  virtual Result<std::map<CaseStatus, int64_t>> count_by_status(const AlertFilter& filter) = 0;

  // ---- cases ----

  virtual Result<std::optional<Case>> get_case(CaseId id) = 0;
  /// Cases of `subject_key` (all subjects when empty), oldest first.
  virtual Result<std::vector<Case>> list_cases(std::string_view subject_key) = 0;
  /// Ids of the case's alerts, by event time.
  virtual Result<std::vector<std::string>> case_alert_ids(CaseId id) = 0;
  /// The case's first `limit` alerts, by event time (as case_alert_ids): the case page's
  /// table in one read.
  virtual Result<std::vector<StoredAlert>> case_alerts(CaseId id, int limit) = 0;
  /// The case's timeline, oldest first.
  virtual Result<std::vector<CaseEvent>> case_events(CaseId id) = 0;

  /// review, escalate, de-escalate, reopen (check_transition).
  virtual Result<void> set_status(const Actor& actor, CaseId id, CaseStatus to,
                                  std::string_view note) = 0;
  virtual Result<void> assign(const Actor& actor, CaseId id, std::string_view assignee) = 0;
  virtual Result<void> comment(const Actor& actor, CaseId id, std::string_view text) = 0;
  /// Hides the case from the queue until `until_ms`; nullopt wakes it.
  virtual Result<void> snooze(const Actor& actor, CaseId id, std::optional<int64_t> until_ms) = 0;
  /// Closes directly; fails with errc::kFourEyes when the close needs an approval.
  virtual Result<void> close_case(const Actor& actor, CaseId id, CloseReason reason,
                                  std::string_view note) = 0;
  /// Records a close proposal (at most one pending per case).
  virtual Result<ProposalId> propose_close(const Actor& actor, CaseId id, CloseReason reason,
                                           std::string_view note) = 0;
  /// A different user, a supervisor, approves: the case closes with the proposed reason.
  virtual Result<void> approve_close(const Actor& actor, ProposalId id, std::string_view note) = 0;
  virtual Result<void> reject_close(const Actor& actor, ProposalId id, std::string_view note) = 0;
  virtual Result<std::optional<CloseProposal>> get_proposal(ProposalId id) = 0;
  virtual Result<std::vector<CloseProposal>> case_proposals(CaseId id) = 0;
  /// Moves every alert of `from` into `into` and closes `from` with reason merged.
  virtual Result<void> merge_cases(const Actor& actor, CaseId into, CaseId from) = 0;
  /// Moves `alert_ids` (some, not all, of the case's alerts) into a new case on the same
  /// subject, status new, and returns its id.
  virtual Result<CaseId> split_case(const Actor& actor, CaseId id,
                                    std::span<const std::string> alert_ids) = 0;

  // ---- users and API tokens (admin; audited) ----

  virtual Result<void> create_user(const Actor& actor, const User& user) = 0;
  virtual Result<std::optional<User>> get_user(std::string_view name) = 0;
  virtual Result<std::vector<User>> list_users() = 0;
  virtual Result<void> set_user_role(const Actor& actor, std::string_view name, Role role) = 0;
  virtual Result<void> set_user_disabled(const Actor& actor, std::string_view name,
                                         bool disabled) = 0;
  virtual Result<void> set_password_hash(const Actor& actor, std::string_view name,
                                         std::string_view password_hash) = 0;
  virtual Result<TokenId> create_token(const Actor& actor, const ApiToken& token) = 0;
  virtual Result<std::optional<ApiToken>> find_token(std::string_view token_hash) = 0;
  virtual Result<void> revoke_token(const Actor& actor, TokenId id) = 0;
  /// Every token, newest first, revoked and expired ones included (with their hashes: the
  /// caller leaves them out of what it shows).
  virtual Result<std::vector<ApiToken>> list_tokens() = 0;

  // ---- sanctions hit decisions and the allow-list (audited) ----

  virtual Result<DecisionId> decide_hit(const Actor& actor, std::string_view party_key,
                                        std::string_view list_entry_id, HitVerdict verdict,
                                        std::string_view reason) = 0;
  /// Revokes a false-positive decision (an allow-list entry): supervisors only.
  virtual Result<void> revoke_decision(const Actor& actor, DecisionId id,
                                       std::string_view reason) = 0;
  /// Decisions on `party_key`, newest first, revoked ones included.
  virtual Result<std::vector<HitDecision>> hit_decisions(std::string_view party_key) = 0;
  /// True when the newest standing (unrevoked) decision on the pair is false_positive.
  virtual Result<bool> allow_listed(std::string_view party_key, std::string_view list_entry_id) = 0;

  // ---- the audit chain (audit_chain.hpp) ----
  // Every write above appends its entry in its own transaction. These append what is not a
  // store change (log-ins, failed log-ins, exports, the engine's events) and read the log;
  // nothing edits or deletes an entry.

  /// Appends `record` as the next entry; returns its seq.
  virtual Result<int64_t> record(const AuditRecord& record) = 0;
  /// Entries with seq > `after_seq` matching `filter`, oldest first, at most `limit`.
  virtual Result<std::vector<AuditEntry>> audit_entries(const AuditFilter& filter,
                                                        int64_t after_seq, int limit) = 0;
  /// Signs the newest entry's hash with `key` and keeps the head; nullopt when the log is
  /// empty.
  virtual Result<std::optional<SignedHead>> sign_audit_head(const AuditKey& key) = 0;
  /// Every signed head, by seq.
  virtual Result<std::vector<SignedHead>> signed_heads() = 0;

  // ---- the transactions behind the alerts ----
  // The payments an alert's evidence names, kept by the desk once it has read them (from
  // the configured transaction files), so a case's goAML report and evidence package stay
  // possible after the input topic's retention or the file are gone. Kept as received,
  // never changed: a second copy of an id is ignored.

  /// Keeps `transactions` (by id; ids already kept are left as they are); returns how many
  /// were new.
  virtual Result<size_t> keep_transactions(std::span<const KeptTransaction> transactions) = 0;
  /// The kept transactions among `ids`, by read_order (the order the engine read them);
  /// ids not kept are left out.
  virtual Result<std::vector<KeptTransaction>> kept_transactions(
      std::span<const std::string> ids) = 0;
};

}  // namespace nexus::desk

namespace nexus::desk {

/// Recomputes the whole chain in `store` and checks it against the signed heads (their
/// signatures too when `key` is given), reading `page` entries at a time.
/// `extra_heads` (a copy of the heads kept elsewhere) are checked too, once each.
Result<AuditVerdict> verify_audit(DeskStore& store,
                                  std::optional<std::array<unsigned char, 32>> key, int page = 5000,
                                  std::vector<SignedHead> extra_heads = {});

}  // namespace nexus::desk
