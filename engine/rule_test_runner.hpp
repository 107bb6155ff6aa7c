// Runs the inline tests a rule file carries (`tests:` under a rule): each test's
// events go through a fresh Engine with the whole rule set and an in-memory
// state store, and the test passes when the last event does (or does not)
// raise an alert of that rule. Used by `nexus rules test` and the test suite.
// Pure function of the rule set; thread-compatible.
#pragma once

#include "rules/rule_set.hpp"

#include <string>
#include <vector>

namespace nexus::engine {

struct RuleTestResult {
  std::string rule_id;
  std::string test_name;
  std::string where;  // file:line:column of the test
  bool expect_alert = true;
  bool passed = false;
  std::string detail;  // why it failed, or the alert id when one fired
};

std::vector<RuleTestResult> run_rule_tests(const std::shared_ptr<const rules::RuleSet>& rules);

}  // namespace nexus::engine
