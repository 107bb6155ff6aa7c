// Builds nexus.v1.Alert messages: deterministic ids and the evidence that
// explains them. Pure functions; thread-safe.
#pragma once

#include "nexus/v1/alert.pb.h"
#include "rules/rule_set.hpp"

#include <string>
#include <string_view>

namespace nexus::engine {

/// Hex of the first 16 bytes of SHA-256(rule id, rule version, transaction id):
/// a replay or restart reproduces the same id for the same firing.
std::string alert_id(std::string_view rule_id, uint32_t rule_version, std::string_view tx_id);

/// Fills the rule's identity fields (id, version, severity, score, typologies,
/// title, source) of `alert`.
void fill_rule_identity(const rules::Rule& rule, const std::string& ruleset_hash,
                        nexus::v1::Alert* alert);

/// Sets alert.transaction_ids: the trigger first, then every transaction the
/// evidence names, deduplicated, in first-seen order, at most `limit` in all.
void collect_transaction_ids(std::string_view trigger_id, nexus::v1::Alert* alert,
                             size_t limit = 1000);

}  // namespace nexus::engine
