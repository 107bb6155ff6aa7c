#include "app/rule_reloader.hpp"

#include "app/common.hpp"
#include "rules/compiler.hpp"
#include "rules/rule_diff.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace nexus::app {

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// What a reload changes, rule by rule, for the log: which rules came, went or changed
/// (version, and each part of the definition before and after), so a reviewer sees more than two
/// hashes.
std::map<std::string, std::string> rule_changes(const rules::RuleSet& before,
                                                const rules::RuleSet& after) {
  std::map<std::string, const rules::Rule*> old_rules, new_rules;
  for (const auto& rule : before.rules) old_rules[rule.id] = &rule;
  for (const auto& rule : after.rules) new_rules[rule.id] = &rule;
  std::string added, removed, changed;
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
  return fields;
}

}  // namespace

RuleReloader::RuleReloader(std::filesystem::path dir, engine::Engine& engine, int64_t interval_ms)
    : dir_(std::move(dir)), engine_(engine), interval_ms_(interval_ms) {
  live_signature_ = signature();
  last_check_ms_ = now_ms();
}

std::string RuleReloader::signature() const {
  // Names, sizes and modification times: enough to notice an edit, a new file or a
  // removed one without reading the files every second.
  std::vector<std::string> parts;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
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

void RuleReloader::maybe_reload() {
  const bool requested = requested_.exchange(false, std::memory_order_relaxed);
  const int64_t now = now_ms();
  if (!requested && now - last_check_ms_ < interval_ms_) return;
  last_check_ms_ = now;
  const std::string current = signature();
  if (current == live_signature_) {
    if (!refused_signature_.empty()) {
      refused_signature_.clear();
      log_json("info", "refused rule change withdrawn; the live rules are unchanged",
               {{"dir", dir_.string()}, {"live", engine_.rules().content_hash}});
    }
    return;
  }
  if (current == refused_signature_ && !requested) return;
  auto compiled = rules::compile_rule_dir(dir_);
  if (!compiled) {
    ++failures_;
    refused_signature_ = current;
    engine_.note_reload(false);
    const std::map<std::string, std::string> fields = {{"dir", dir_.string()},
                                                       {"live", engine_.rules().content_hash},
                                                       {"errors", compiled.error().message}};
    log_json("error", "rule reload refused; the running rules stay live", fields);
    if (listener_) listener_("engine.rules_refused", fields);
    return;
  }
  live_signature_ = current;
  refused_signature_.clear();
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
