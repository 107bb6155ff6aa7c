// Compiles rule packs (YAML files of lists, aggregates and rules) into a
// RuleSet the engine executes. All names are resolved and all types checked
// here, once, so evaluation never meets an unknown field. Pure functions,
// thread-safe; cost is linear in the size of the files.
#pragma once

#include "rules/rule_set.hpp"

#include "base/result.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace nexus::rules {

/// One rule file's name (as shown in messages) and its bytes.
/// A rule file larger than this is refused (file:1:1) before YAML reads it.
inline constexpr size_t kMaxRuleFileBytes = 4 * 1024 * 1024;

struct RuleSource {
  std::string name;
  std::string text;
};

/// Compiles the given sources into one rule set. On failure the error message
/// lists every problem found (up to 50), one per line, each as
/// "file:line:column: message", with a hint where one helps.
Result<std::shared_ptr<const RuleSet>> compile_rules(const std::vector<RuleSource>& sources);

/// Reads every *.yaml / *.yml file in `dir` (not recursive, name order) and compiles
/// them. A missing or empty directory is an error.
Result<std::shared_ptr<const RuleSet>> compile_rule_dir(const std::filesystem::path& dir);

/// Hex SHA-256 of `data`, first `hex_digits` digits.
std::string sha256_hex(std::string_view data, size_t hex_digits = 64);

}  // namespace nexus::rules
