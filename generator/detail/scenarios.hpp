// Planted scenarios: one builder per typology family, each shaped to satisfy
// one shipped rule of rules/packs/core.yaml with margin. All bands are named
// constants here and in the generator's README. Amounts are planted in USD so
// that amount_usd is exact whatever the engine's FX table.
#pragma once

#include "generator/detail/background.hpp"
#include "generator/detail/tx_record.hpp"
#include "generator/detail/world.hpp"
#include "generator/generator.hpp"

#include <cstdint>
#include <vector>

namespace nexus::generator::detail {

// structuring -> AML-STRUCT-CASH (>= 3 cash deposits in [8,000, 10,000) USD
// into one account within 7 days). FinCEN: structuring under the 10,000 USD CTR.
inline constexpr int64_t kStructuringMinDeposits = 3;
inline constexpr int64_t kStructuringMaxDeposits = 5;
inline constexpr int64_t kStructuringMinUsdCents = 800'000;  // whole 50 USD steps
inline constexpr int64_t kStructuringMaxUsdCents = 995'000;
inline constexpr int64_t kStructuringMinSpanMs = 2 * kDayMs;  // first to last deposit
inline constexpr int64_t kStructuringMaxSpanMs = 6 * kDayMs;

// velocity -> AML-VELOCITY-1H (>= 20 payments by one originator within 1 hour).
inline constexpr int64_t kVelocityMinTransfers = 20;
inline constexpr int64_t kVelocityMaxTransfers = 30;
inline constexpr int64_t kVelocityMinWindowMs = 30 * kMinuteMs;  // first to last transfer
inline constexpr int64_t kVelocityMaxWindowMs = 55 * kMinuteMs;
inline constexpr int64_t kVelocityMinUsdCents = 500;
inline constexpr int64_t kVelocityMaxUsdCents = 40'000;

// crowdfunding -> TF-CROWDFUND-FANIN (>= 20 distinct originators sending < 500
// USD to one beneficiary in a conflict-adjacent country within 24 hours).
// FATF 2015, Financing of the terrorist organisation ISIL.
inline constexpr int64_t kCrowdfundMinDonors = 20;
inline constexpr int64_t kCrowdfundMaxDonors = 35;
inline constexpr int64_t kCrowdfundMinUsdCents = 2'000;
inline constexpr int64_t kCrowdfundMaxUsdCents = 45'000;
inline constexpr int64_t kCrowdfundMinWindowMs = 12 * kHourMs;  // first to last donation
inline constexpr int64_t kCrowdfundMaxWindowMs = 20 * kHourMs;

// pass_through -> AML-RAPID-PASS-THROUGH (>= 80% of >= 5,000 USD inbound sent
// on within 24 hours).
inline constexpr int64_t kPassThroughMinInboundUsdCents = 500'000;
inline constexpr int64_t kPassThroughMaxInboundUsdCents = 2'000'000;
inline constexpr int64_t kPassThroughMinInboundLegs = 1;
inline constexpr int64_t kPassThroughMaxInboundLegs = 4;
inline constexpr int64_t kPassThroughInboundSpreadMs = 4 * kHourMs;  // first to last inbound
inline constexpr int64_t kPassThroughMinDelayMs = 1 * kHourMs;  // last inbound to first outbound
inline constexpr int64_t kPassThroughMaxDelayMs = 6 * kHourMs;
inline constexpr int64_t kPassThroughMinOutboundLegs = 1;
inline constexpr int64_t kPassThroughMaxOutboundLegs = 3;
inline constexpr int64_t kPassThroughMinOutboundGapMs = 10 * kMinuteMs;  // between outbound legs
inline constexpr int64_t kPassThroughMaxOutboundGapMs = 60 * kMinuteMs;
inline constexpr int64_t kPassThroughMinOutPermille = 850;  // outbound sum / inbound sum
inline constexpr int64_t kPassThroughMaxOutPermille = 980;

// conflict_corridor -> TF-CONFLICT-CORRIDOR (msb/hawala to a conflict zone once
// the originator's 30-day sum to conflict zones reaches 10,000 USD).
inline constexpr int64_t kCorridorMinRemittances = 3;
inline constexpr int64_t kCorridorMaxRemittances = 6;
inline constexpr int64_t kCorridorMinUsdCents = 200'000;
inline constexpr int64_t kCorridorMaxUsdCents = 500'000;
inline constexpr int64_t kCorridorMinTotalUsdCents = 1'050'000;
inline constexpr int64_t kCorridorMinSpanMs = 3 * kDayMs;  // first to last remittance
inline constexpr int64_t kCorridorMaxSpanMs = 20 * kDayMs;
inline constexpr int64_t kCorridorMaxBeneficiaries = 2;

/// The families in label order, with the rule that must catch each.
struct ScenarioFamily {
  const char* name;
  const char* rule_id;
};
inline constexpr ScenarioFamily kScenarioFamilies[] = {
    {"structuring", "AML-STRUCT-CASH"},
    {"velocity", "AML-VELOCITY-1H"},
    {"crowdfunding", "TF-CROWDFUND-FANIN"},
    {"pass_through", "AML-RAPID-PASS-THROUGH"},
    {"conflict_corridor", "TF-CONFLICT-CORRIDOR"},
};

/// Adds config.scenarios_per_rule instances of every family: their accounts to
/// `world`, their transactions to `records` (seq from 0 up, scenario = label
/// index) and one label each to `labels` with transaction_ids still empty (the
/// caller fills them in emit order). Instances are spread over the time span.
void plant_scenarios(const GeneratorConfig& config, const Population& population, World* world,
                     std::vector<TxRecord>* records, std::vector<ScenarioLabel>* labels);

}  // namespace nexus::generator::detail
