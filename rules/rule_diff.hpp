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
/// same in `before`: condition, subject, severity, score, suppression, flags it raises,
/// and the aggregates, keyword sets and flags its condition reads (each looked up in its
/// own set). Empty when the two fingerprints agree. The version is not compared.
std::vector<RuleDifference> rule_differences(const RuleSet& before_set, const Rule& before,
                                             const RuleSet& after_set, const Rule& after);

}  // namespace nexus::rules
