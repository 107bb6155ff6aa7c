// Synthetic payment traffic with planted, labelled typologies. Used to measure
// the engine's detection rate (planted scenarios) and its noise (alerts on the
// unlabelled background), and to feed benchmarks.
//
// Deterministic: the output depends only on GeneratorConfig, never on the
// machine, the clock or the standard library's distributions (all randomness is
// splitmix64 with integer arithmetic; no floating point reaches the output).
#pragma once

#include "nexus/v1/transaction.pb.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace nexus::generator {

/// What to generate. Plain value; every field has a default.
struct GeneratorConfig {
  /// Seed of every random choice. Default: 1.
  uint64_t seed = 1;
  /// Background customer accounts (merchants, foreign recipients and scenario
  /// accounts come on top). Must be >= 1. Default: 10,000.
  uint32_t accounts = 10'000;
  /// Total transactions emitted, planted scenarios included: the background gets
  /// `transactions - planted` (planted alone if that is negative). Default: 100,000.
  uint64_t transactions = 100'000;
  /// Event time origin, Unix milliseconds. Default: 2025-01-01T00:00:00Z.
  int64_t start_time_ms = 1'735'689'600'000;
  /// Span of event time in days: every event is in [start, start + days).
  /// Must be >= 1. Default: 30.
  uint32_t days = 30;
  /// Planted instances of each scenario family. Default: 5.
  uint32_t scenarios_per_rule = 5;
  /// Also plant the family nx_pays_listed (a trafficking-flagged account paying
  /// a party named on the UN ISIL/Al-Qaida list). Its rule, NX-HT-PAYS-LISTED,
  /// needs sanctions screening (`--lists`), so it is off by default: a replay
  /// without lists could never catch it. Default: false.
  bool listed_party_scenarios = false;
};

/// One planted scenario instance: which rule must catch it, about whom, and the
/// transactions it consists of (in emit order).
struct ScenarioLabel {
  std::string scenario_id;  // family + "-" + 4-digit instance, e.g. "structuring-0003"
  std::string scenario;     // family, e.g. "structuring"
  std::string rule_id;      // the shipped rule that must catch it, e.g. "AML-STRUCT-CASH"
  std::string subject;      // the account the alert should be about
  std::vector<std::string> transaction_ids;
};

/// Generates the traffic described by `config` and calls `emit` once per
/// transaction in non-decreasing event-time order (the message is reused: copy
/// it if you keep it). If `labels` is not null it is replaced by one label per
/// planted scenario, ordered by family then instance.
/// Throws std::invalid_argument if accounts or days is 0 (start-up error).
/// Cost: O(transactions log(transactions per day)) time; memory O(accounts +
/// transactions per day): about 81 MB peak RSS for 1M transactions over 100k accounts.
/// Thread-compatible: no shared state, may run concurrently with itself.
void generate(const GeneratorConfig& config,
              const std::function<void(const nexus::v1::Transaction&)>& emit,
              std::vector<ScenarioLabel>* labels);

/// One NDJSON line (no trailing newline) with the label's fields:
/// {"scenario_id":...,"scenario":...,"rule_id":...,"subject":...,"transaction_ids":[...]}.
std::string label_to_json(const ScenarioLabel& label);

/// The transaction's amount in US cents by the generator's own (approximate,
/// fixed) FX table; -1 if the currency is not one the generator emits. The
/// engine's FX table is authoritative; this is for tests and statistics.
int64_t approximate_usd_cents(const nexus::v1::Transaction& transaction);

/// A party name the background can give an account holder, and whether it names an
/// organisation (a company, a merchant, an online brand) or a person.
struct BackgroundName {
  std::string name;
  bool organization = false;
};

/// Every name the background can carry (first x last name of each name region; company
/// stem x industry x the region's legal form; merchant stem x category x city; the online
/// brands), each once, sorted. For checking the pools against sanctions lists: the
/// background must not carry a listed name. Cost: about 50,000 short strings.
std::vector<BackgroundName> background_names();

}  // namespace nexus::generator
