#pragma once
// What differs between two definitions of one rule, part by part, for the people who
// review a change: `backtest` prints it under its table, a live reload logs it.
#include "rules/rule_set.hpp"

#include <string>
#include <vector>

namespace nexus::rules {

struct RuleDifference {
  std::string what;  // "condition", "severity", "aggregate agg.x window", "keywords k", ...
  std::string before, after;
};

/// Every part that decides when `after` fires or what it reports and that is not the
/// same in `before`: mode ("mode", "shadow" -> "live"), condition, subject, severity, score,
/// suppression, flags it raises,
/// and the aggregates, keyword sets and flags its condition reads (each looked up in its
/// own set). Empty when the two fingerprints agree. The version is not compared.
std::vector<RuleDifference> rule_differences(const RuleSet& before_set, const Rule& before,
                                             const RuleSet& after_set, const Rule& after);

/// "promoted" (shadow -> live), "demoted" (live -> shadow) or "" (same mode): how the
/// hot-reload log and `backtest` name a mode change.
std::string mode_change(const Rule& before, const Rule& after);

/// The rules of `after` whose mode differs from the same rule in `before` while their version
/// does not, one message each ("TF-X: mode shadow -> live under the same version 3: ...").
/// Alert ids hash rule id and version, so a promotion without a bump would make the shadow
/// rule's alerts and the live rule's indistinguishable in the audit trail.
std::vector<std::string> mode_changes_without_version_bump(const RuleSet& before,
                                                           const RuleSet& after);

}  // namespace nexus::rules
