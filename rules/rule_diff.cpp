#include "rules/rule_diff.hpp"

#include "rules/duration.hpp"
#include "rules/keyword_matcher.hpp"

#include <cstdio>
#include <set>

namespace nexus::rules {

namespace {

std::string condition_text(const Rule& rule) { return rule.condition ? rule.condition->text : ""; }

std::string severity_text(Severity severity) {
  switch (severity) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "?";
}

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

/// Whether the rule's condition reads `name` (as the fingerprint decides it).
bool reads(const Rule& rule, const std::string& name) {
  return condition_text(rule).find(name) != std::string::npos;
}

std::string aggregate_text(const Aggregate& aggregate) {
  std::string text = "by " + aggregate.key.path + " over " + aggregate.window_text;
  if (aggregate.where) text += " where " + aggregate.where->text;
  text += " measures";
  for (const auto& measure : aggregate.measures) text += " " + measure.name;
  return text;
}

std::string keywords_text(const KeywordSet& set) {
  std::string text;
  for (const auto& pattern : set.patterns) {
    text += (text.empty() ? "" : ", ") + keyword_expression(pattern);
  }
  return text;
}

std::string flags_raised(const RuleSet& set, const Rule& rule) {
  std::string text;
  for (const int flag : rule.flags) {
    text += (text.empty() ? "" : ", ") + set.flags[static_cast<size_t>(flag)].id;
  }
  return text.empty() ? "(none)" : text;
}

}  // namespace

std::vector<RuleDifference> rule_differences(const RuleSet& before_set, const Rule& before,
                                             const RuleSet& after_set, const Rule& after) {
  std::vector<RuleDifference> out;
  if (before.fingerprint == after.fingerprint) return out;
  auto compare = [&out](std::string what, std::string old_value, std::string new_value) {
    if (old_value != new_value) out.push_back({std::move(what), old_value, new_value});
  };
  compare("mode", rule_mode_name(before.mode), rule_mode_name(after.mode));
  compare("condition", condition_text(before), condition_text(after));
  compare("subject", before.subject.path, after.subject.path);
  compare("severity", severity_text(before.severity), severity_text(after.severity));
  compare("score", number_text(before.score), number_text(after.score));
  compare("suppress", before.suppress_ms ? format_duration(before.suppress_ms) : "(none)",
          after.suppress_ms ? format_duration(after.suppress_ms) : "(none)");
  compare("flags raised", flags_raised(before_set, before), flags_raised(after_set, after));
  // What the condition reads, by name, in either set (a part can appear or vanish).
  auto find_aggregate = [](const RuleSet& set, const std::string& id) -> const Aggregate* {
    for (const auto& aggregate : set.aggregates) {
      if (aggregate.id == id) return &aggregate;
    }
    return nullptr;
  };
  std::set<std::string> aggregate_ids, keyword_ids, flag_ids;
  for (const auto* set : {&before_set, &after_set}) {
    for (const auto& aggregate : set->aggregates) {
      if (reads(before, "agg." + aggregate.id) || reads(after, "agg." + aggregate.id)) {
        aggregate_ids.insert(aggregate.id);
      }
    }
    for (const auto& keywords : set->keywords) {
      if (reads(before, keywords.id) || reads(after, keywords.id)) keyword_ids.insert(keywords.id);
    }
    for (const auto& flag : set->flags) {
      if (reads(before, "flag." + flag.id) || reads(after, "flag." + flag.id)) {
        flag_ids.insert(flag.id);
      }
    }
  }
  for (const auto& id : aggregate_ids) {
    const Aggregate* old_aggregate = find_aggregate(before_set, id);
    const Aggregate* new_aggregate = find_aggregate(after_set, id);
    compare("aggregate agg." + id, old_aggregate ? aggregate_text(*old_aggregate) : "(none)",
            new_aggregate ? aggregate_text(*new_aggregate) : "(none)");
  }
  for (const auto& id : keyword_ids) {
    auto text = [&id](const RuleSet& set) -> std::string {
      for (const auto& keywords : set.keywords) {
        if (keywords.id == id) return keywords_text(keywords);
      }
      return "(none)";
    };
    compare("keywords " + id, text(before_set), text(after_set));
  }
  for (const auto& id : flag_ids) {
    auto text = [&id](const RuleSet& set) -> std::string {
      for (const auto& flag : set.flags) {
        if (flag.id == id) return "window " + format_duration(flag.window_ms);
      }
      return "(none)";
    };
    compare("flag flag." + id, text(before_set), text(after_set));
  }
  return out;
}

std::string mode_change(const Rule& before, const Rule& after) {
  if (before.mode == after.mode) return "";
  return after.mode == RuleMode::kLive ? "promoted" : "demoted";
}

std::vector<std::string> mode_changes_without_version_bump(const RuleSet& before,
                                                           const RuleSet& after) {
  std::vector<std::string> out;
  for (const auto& now : after.rules) {
    for (const auto& then : before.rules) {
      if (then.id != now.id || then.mode == now.mode || then.version != now.version) continue;
      out.push_back(now.id + ": mode " + rule_mode_name(then.mode) + " -> " +
                    rule_mode_name(now.mode) + " under the same version " +
                    std::to_string(now.version) + ": " + mode_change(then, now) +
                    " rules need a new version, so alerts and the audit trail tell the two apart");
    }
  }
  return out;
}

}  // namespace nexus::rules
