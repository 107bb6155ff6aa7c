// What a case's evidence is made of, gathered in one place for every export of a case (the
// goAML report, the evidence package; the desk API calls it too): the case row and timeline,
// its alerts, the transactions behind them from a transactions source, and the case's audit
// entries. One DeskStore, one thread.
#pragma once

#include "nexus/v1/alert.pb.h"
#include "nexus/v1/transaction.pb.h"
#include "rules/rule_set.hpp"

#include "base/result.hpp"
#include "desk/audit_chain.hpp"
#include "desk/case.hpp"
#include "desk/desk_store.hpp"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nexus::desk {

/// The next transaction of a source (a file, later the store's table), in the order the
/// engine read them; nullopt at the end. Records that do not decode are skipped by it.
using TransactionReader = std::function<std::optional<nexus::v1::Transaction>()>;

struct CaseEvidenceOptions {
  /// With a rule set: an alert that relied on a flag also brings the transactions of the
  /// alert that raised it (its id follows from rule, version and transaction), when that
  /// alert is in the store, so a replay of the bundle can raise the flag again. Depth 3.
  const rules::RuleSet* rules = nullptr;
  /// Read the case's audit entries (object case:N and alert:<id> of its alerts).
  bool audit = false;
};

struct CaseEvidence {
  Case case_row;
  std::vector<CaseEvent> timeline;
  std::vector<nexus::v1::Alert> alerts;  // by event time
  /// Alerts of other cases (or none) whose flags the case's alerts relied on: not part of
  /// the case, but their transactions are in `transactions`.
  std::vector<nexus::v1::Alert> supporting_alerts;
  /// Every transaction the alerts (and supporting alerts) name that the source held, in the
  /// source's order, each id once.
  std::vector<nexus::v1::Transaction> transactions;
  /// Named by an alert but not in the source, in the order the alerts name them.
  std::vector<std::string> missing_transactions;
  std::vector<AuditEntry> audit_entries;  // by seq
};

/// Transaction ids the alerts name: each alert's transaction_ids, then its evidence's, then
/// (with `network_pictures`) its subgraphs' edges'; first occurrence order, without repeats.
std::vector<std::string> alert_transaction_ids(std::span<const nexus::v1::Alert> alerts,
                                               bool network_pictures = true);

/// Gathers the case. Errors: "not_found" (no such case), "store" (a read failed), "parse"
/// (stored alert bytes that do not parse). `next` may be empty (no transactions read).
Result<CaseEvidence> gather_case_evidence(DeskStore& store, CaseId id,
                                          const TransactionReader& next,
                                          const CaseEvidenceOptions& options = {});

}  // namespace nexus::desk
