#include "engine/alert_builder.hpp"

#include "rules/compiler.hpp"

#include <unordered_set>

namespace nexus::engine {

std::string alert_id(std::string_view rule_id, uint32_t rule_version, std::string_view tx_id) {
  std::string input;
  input.reserve(rule_id.size() + tx_id.size() + 16);
  input += rule_id;
  input.push_back('\x1f');
  input += std::to_string(rule_version);
  input.push_back('\x1f');
  input += tx_id;
  return rules::sha256_hex(input, 32);
}

void fill_rule_identity(const rules::Rule& rule, const std::string& ruleset_hash,
                        nexus::v1::Alert* alert) {
  alert->set_rule_id(rule.id);
  alert->set_rule_version(rule.version);
  alert->set_severity(static_cast<nexus::v1::Severity>(static_cast<int>(rule.severity)));
  alert->set_score(rule.score);
  for (const auto& tag : rule.typologies) alert->add_typologies(tag);
  alert->set_title(rule.title);
  alert->set_source(rule.source);
  alert->set_ruleset_hash(ruleset_hash);
}

void collect_transaction_ids(std::string_view trigger_id, nexus::v1::Alert* alert, size_t limit) {
  std::unordered_set<std::string_view> seen;
  alert->clear_transaction_ids();
  alert->add_transaction_ids(std::string(trigger_id));
  seen.insert(alert->transaction_ids(0));
  for (const auto& evidence : alert->evidence()) {
    for (const auto& id : evidence.transaction_ids()) {
      if (static_cast<size_t>(alert->transaction_ids_size()) >= limit) return;
      if (seen.insert(id).second) alert->add_transaction_ids(id);
    }
  }
}

}  // namespace nexus::engine
