#include "app/rule_reloader.hpp"

#include "app/common.hpp"
#include "rules/compiler.hpp"
#include "rules/rule_diff.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace nexus::app {

namespace {

/// What a reload changes, rule by rule, for the log: which rules came, went or changed
/// (version, and each part of the definition before and after), so a reviewer sees more than two
/// hashes.
std::map<std::string, std::string> rule_changes(const rules::RuleSet& before,
                                                const rules::RuleSet& after) {
  std::map<std::string, const rules::Rule*> old_rules, new_rules;
  for (const auto& rule : before.rules) old_rules[rule.id] = &rule;
  for (const auto& rule : after.rules) new_rules[rule.id] = &rule;
  std::string added, removed, changed, promoted, demoted;
  auto join = [](std::string& list, const std::string& item) {
    list += (list.empty() ? "" : "; ") + item;
  };
  for (const auto& [id, rule] : new_rules) {
    if (!old_rules.count(id)) join(added, id + " v" + std::to_string(rule->version));
  }
  for (const auto& [id, rule] : old_rules) {
    const auto next = new_rules.find(id);
    if (next == new_rules.end()) {
      join(removed, id + " v" + std::to_string(rule->version));
      continue;
    }
    const rules::Rule& now = *next->second;
    if (now.fingerprint == rule->fingerprint && now.version == rule->version) continue;
    std::string what = id + " v" + std::to_string(rule->version);
    if (now.version != rule->version) what += "->v" + std::to_string(now.version);
    std::string parts;
    // A promotion is a version change recorded as such (the audit chain gets these fields).
    if (const std::string change = rules::mode_change(*rule, now); !change.empty()) {
      what += " " + change;
      join(change == "promoted" ? promoted : demoted,
           id + " v" + std::to_string(rule->version) + "->v" + std::to_string(now.version));
    }
    for (const auto& difference : rules::rule_differences(before, *rule, after, now)) {
      parts += (parts.empty() ? ": " : ", ") + difference.what + " '" + difference.before +
               "' -> '" + difference.after + "'";
    }
    what += parts;
    if (now.version == rule->version && now.fingerprint != rule->fingerprint) {
      what += " (changed without a version bump)";
    }
    join(changed, what);
  }
  std::map<std::string, std::string> fields;
  if (!added.empty()) fields["added"] = added;
  if (!removed.empty()) fields["removed"] = removed;
  if (!changed.empty()) fields["changed"] = changed;
  if (!promoted.empty()) fields["promoted"] = promoted;
  if (!demoted.empty()) fields["demoted"] = demoted;
  return fields;
}

}  // namespace

namespace {

// Names, sizes and modification times: enough to notice an edit, a new file or a removed one
// without reading the files every second.
std::string rule_dir_signature(const std::filesystem::path& dir) {
  std::vector<std::string> parts;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto extension = entry.path().extension();
    if (!entry.is_regular_file(ec) || (extension != ".yaml" && extension != ".yml")) continue;
    const auto size = entry.file_size(ec);
    const auto time = entry.last_write_time(ec).time_since_epoch().count();
    parts.push_back(entry.path().filename().string() + ":" + std::to_string(size) + ":" +
                    std::to_string(time));
  }
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const auto& part : parts) out += part + ";";
  return out;
}

}  // namespace

RuleReloader::RuleReloader(std::filesystem::path dir, engine::Engine& engine, int64_t interval_ms)
    : dir_(std::move(dir)),
      engine_(engine),
      watch_([this] { return rule_dir_signature(dir_); }, rule_dir_signature(dir_), interval_ms) {}

void RuleReloader::maybe_reload() {
  const ChangeWatch::Check check = watch_.check();
  if (check.kind == ChangeWatch::Check::Kind::kWithdrawn) {
    log_json("info", "refused rule change withdrawn; the live rules are unchanged",
             {{"dir", dir_.string()}, {"live", engine_.rules().content_hash}});
    return;
  }
  if (check.kind != ChangeWatch::Check::Kind::kChanged) return;
  auto compiled = rules::compile_rule_dir(dir_);
  if (compiled) {
    // A mode change must come with a version bump: refused like a set that does not compile.
    std::string unbumped;
    for (const auto& message :
         rules::mode_changes_without_version_bump(engine_.rules(), *compiled.value())) {
      unbumped += (unbumped.empty() ? "" : "\n") + message;
    }
    if (!unbumped.empty()) compiled = decltype(compiled)(make_error("rules", unbumped));
  }
  if (!compiled) {
    ++failures_;
    watch_.refuse(check.signature);
    engine_.note_reload(false);
    const std::map<std::string, std::string> fields = {{"dir", dir_.string()},
                                                       {"live", engine_.rules().content_hash},
                                                       {"errors", compiled.error().message}};
    log_json("error", "rule reload refused; the running rules stay live", fields);
    if (listener_) listener_("engine.rules_refused", fields);
    return;
  }
  watch_.accept(check.signature);
  if (compiled.value()->content_hash == engine_.rules().content_hash) return;
  const std::string previous = engine_.rules().content_hash;
  auto fields = rule_changes(engine_.rules(), *compiled.value());
  engine_.set_rules(compiled.value());
  engine_.note_reload(true);
  ++reloads_;
  fields["dir"] = dir_.string();
  fields["previous"] = previous;
  fields["live"] = engine_.rules().content_hash;
  fields["rules"] = std::to_string(engine_.rules().rules.size());
  log_json("info", "rules reloaded", fields);
  if (listener_) listener_("engine.rules_reloaded", fields);
}

}  // namespace nexus::app
