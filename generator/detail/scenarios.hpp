// Planted scenarios: one builder per typology family, each shaped to satisfy
// one shipped rule of rules/packs/*.yaml with margin. All bands are named
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

// ---- Human trafficking (rules/packs/trafficking.yaml) ----

// adult_ads -> HT-ADULT-ADS (>= 4 payments to adult-ad merchants in 30 days).
inline constexpr int64_t kAdultAdsMinPayments = 5;
inline constexpr int64_t kAdultAdsMaxPayments = 8;
inline constexpr int64_t kAdultAdsMinUsdCents = 1'500;
inline constexpr int64_t kAdultAdsMaxUsdCents = 8'000;
inline constexpr int64_t kAdultAdsMinSpanMs = 3 * kDayMs;  // first to last payment
inline constexpr int64_t kAdultAdsMaxSpanMs = 20 * kDayMs;

// night_lodging -> HT-NIGHT-LODGING (>= 3 lodging payments at 22-05 local time of the
// hotel in 7 days). Planted at 23:00-03:59 local standard time of the hotel's country
// (00:00-04:59 under daylight saving).
inline constexpr int64_t kNightLodgingMinNights = 3;
inline constexpr int64_t kNightLodgingMaxNights = 5;
inline constexpr int64_t kNightLodgingMinUsdCents = 6'000;
inline constexpr int64_t kNightLodgingMaxUsdCents = 22'000;
inline constexpr int64_t kNightLodgingMaxSpanDays = 5;  // first to last night, at most

// travel_for_others -> HT-TRAVEL-FOR-OTHERS (>= 3 passenger tickets in 24 hours).
inline constexpr int64_t kTravelMinTickets = 3;
inline constexpr int64_t kTravelMaxTickets = 5;
inline constexpr int64_t kTravelMinUsdCents = 8'000;
inline constexpr int64_t kTravelMaxUsdCents = 60'000;
inline constexpr int64_t kTravelMinSpanMs = 1 * kHourMs;  // first to last ticket
inline constexpr int64_t kTravelMaxSpanMs = 12 * kHourMs;

// shared_phone -> HT-SHARED-PHONE (>= 4 accounts paying with one phone in 30 days).
inline constexpr int64_t kSharedPhoneMinAccounts = 4;
inline constexpr int64_t kSharedPhoneMaxAccounts = 6;
inline constexpr int64_t kSharedPhoneMinSpanMs = 1 * kDayMs;  // first to last payment
inline constexpr int64_t kSharedPhoneMaxSpanMs = 10 * kDayMs;
inline constexpr int64_t kSharedMinUsdCents = 1'000;  // both shared_* families
inline constexpr int64_t kSharedMaxUsdCents = 20'000;

// shared_device -> HT-SHARED-DEVICE (>= 3 accounts paying from one device in 30 days).
inline constexpr int64_t kSharedDeviceMinAccounts = 3;
inline constexpr int64_t kSharedDeviceMaxAccounts = 5;
inline constexpr int64_t kSharedDeviceMinSpanMs = 2 * kHourMs;
inline constexpr int64_t kSharedDeviceMaxSpanMs = 7 * kDayMs;

// wages_drained -> HT-WAGES-DRAINED (within 24 hours of a >= 300 USD salary the
// worker sends >= 90 % of it on, abroad or as cash). One salary, then 1-2 legs
// of 92-99 % in all, the last abroad (msb / wire) or a cash withdrawal and, with
// two legs, 60-80 % of the sum (the rule wants that payment to be half the salary).
inline constexpr int64_t kWagesDrainedMinSalaryUsdCents = 90'000;
inline constexpr int64_t kWagesDrainedMaxSalaryUsdCents = 300'000;
inline constexpr int64_t kWagesDrainedMinPermille = 920;
inline constexpr int64_t kWagesDrainedMaxPermille = 990;
inline constexpr int64_t kWagesDrainedMinLastLegPermille = 600;  // of the drained sum, two legs
inline constexpr int64_t kWagesDrainedMinDelayMs = 1 * kHourMs;  // salary to first leg
inline constexpr int64_t kWagesDrainedMaxDelayMs = 16 * kHourMs;
inline constexpr int64_t kWagesDrainedMaxGapMs = 2 * kHourMs;  // between the legs

// wages_pooled -> HT-WAGES-POOLED (>= 4 SALA payments into one account in 30 days).
inline constexpr int64_t kWagesPooledMinSalaries = 4;
inline constexpr int64_t kWagesPooledMaxSalaries = 7;
inline constexpr int64_t kWagesPooledMaxEmployers = 3;
inline constexpr int64_t kWagesPooledMinUsdCents = 60'000;
inline constexpr int64_t kWagesPooledMaxUsdCents = 250'000;
inline constexpr int64_t kWagesPooledMinSpanMs = 2 * kDayMs;
inline constexpr int64_t kWagesPooledMaxSpanMs = 20 * kDayMs;

// funnel_account -> HT-FUNNEL-ACCOUNT (cash withdrawal of >= 50 % of >= 3,000
// USD cash deposited at >= 3 branches in 7 days). Deposits stay below 8,000.
inline constexpr int64_t kFunnelMinDeposits = 3;
inline constexpr int64_t kFunnelMaxDeposits = 5;
inline constexpr int64_t kFunnelMinUsdCents = 70'000;
inline constexpr int64_t kFunnelMaxUsdCents = 250'000;
inline constexpr int64_t kFunnelMinTotalUsdCents = 350'000;
inline constexpr int64_t kFunnelMinSpanMs = 1 * kDayMs;  // first to last deposit
inline constexpr int64_t kFunnelMaxSpanMs = 4 * kDayMs;
inline constexpr int64_t kFunnelMinDelayMs = 2 * kHourMs;  // last deposit to withdrawal
inline constexpr int64_t kFunnelMaxDelayMs = 30 * kHourMs;
inline constexpr int64_t kFunnelMinWithdrawPermille = 600;
inline constexpr int64_t kFunnelMaxWithdrawPermille = 950;

// upkeep_rent -> HT-UPKEEP-RENT (RENT to >= 3 distinct landlords in 30 days).
inline constexpr int64_t kUpkeepMinLandlords = 3;
inline constexpr int64_t kUpkeepMaxLandlords = 5;
inline constexpr int64_t kUpkeepMinUsdCents = 50'000;
inline constexpr int64_t kUpkeepMaxUsdCents = 150'000;
inline constexpr int64_t kUpkeepMinSpanMs = 1 * kDayMs;
inline constexpr int64_t kUpkeepMaxSpanMs = 20 * kDayMs;

// recruitment_fees -> HT-RECRUITMENT-FEES (>= 3 distinct payers of recruitment
// or visa fees to one account in 30 days).
inline constexpr int64_t kRecruitmentMinWorkers = 3;
inline constexpr int64_t kRecruitmentMaxWorkers = 8;
inline constexpr int64_t kRecruitmentMinUsdCents = 30'000;
inline constexpr int64_t kRecruitmentMaxUsdCents = 200'000;
inline constexpr int64_t kRecruitmentMinSpanMs = 2 * kDayMs;
inline constexpr int64_t kRecruitmentMaxSpanMs = 25 * kDayMs;

// ---- Terrorist financing (rules/packs/terrorist_financing.yaml) ----

// tf_narrative -> TF-NARRATIVE-KEYWORDS (remittance info names a listed group or
// its fundraising). 1-2 small payments to a conflict-adjacent country.
inline constexpr int64_t kTfNarrativeMaxPayments = 2;
inline constexpr int64_t kTfNarrativeMinUsdCents = 5'000;
inline constexpr int64_t kTfNarrativeMaxUsdCents = 80'000;
inline constexpr int64_t kTfNarrativeMaxSpanMs = 5 * kDayMs;

// conflict_inbound -> TF-CONFLICT-INBOUND (>= 10,000 USD in 30 days from
// conflict zones into one account).
inline constexpr int64_t kConflictInboundMinTransfers = 2;
inline constexpr int64_t kConflictInboundMaxTransfers = 4;
inline constexpr int64_t kConflictInboundMinUsdCents = 350'000;
inline constexpr int64_t kConflictInboundMaxUsdCents = 900'000;
inline constexpr int64_t kConflictInboundMinTotalUsdCents = 1'200'000;
inline constexpr int64_t kConflictInboundMinSpanMs = 1 * kDayMs;
inline constexpr int64_t kConflictInboundMaxSpanMs = 20 * kDayMs;

// ransom -> TF-RANSOM-PATTERN (>= 5 payers into one account within 72 hours,
// then >= 10,000 USD and >= 70 % of it sent abroad). Payers give within 24-60
// hours, 2-8 hours later 80-95 % leaves in one wire.
inline constexpr int64_t kRansomMinPayers = 5;
inline constexpr int64_t kRansomMaxPayers = 9;
inline constexpr int64_t kRansomMinUsdCents = 250'000;
inline constexpr int64_t kRansomMaxUsdCents = 800'000;
inline constexpr int64_t kRansomMinTotalUsdCents = 1'300'000;
inline constexpr int64_t kRansomMinCollectMs = 24 * kHourMs;  // first to last payer
inline constexpr int64_t kRansomMaxCollectMs = 60 * kHourMs;
inline constexpr int64_t kRansomMinDelayMs = 2 * kHourMs;  // last payer to the wire out
inline constexpr int64_t kRansomMaxDelayMs = 8 * kHourMs;
inline constexpr int64_t kRansomMinOutPermille = 800;
inline constexpr int64_t kRansomMaxOutPermille = 950;

// msb_first_use -> TF-MSB-FIRST-USE (first msb/hawala transfer in 90 days,
// >= 3,000 USD, to a conflict-adjacent country). 2-4 ordinary card payments
// first, then one remittance.
inline constexpr int64_t kMsbFirstMinUsdCents = 350'000;
inline constexpr int64_t kMsbFirstMaxUsdCents = 950'000;
inline constexpr int64_t kMsbFirstMinHistory = 2;
inline constexpr int64_t kMsbFirstMaxHistory = 4;
inline constexpr int64_t kMsbFirstMaxSpanMs = 15 * kDayMs;  // first card payment to the remittance

// prepaid_abroad -> TF-PREPAID-ABROAD (prepaid card spent in a foreign
// conflict-adjacent country, >= 1,000 USD prepaid in 7 days).
inline constexpr int64_t kPrepaidMinPayments = 3;
inline constexpr int64_t kPrepaidMaxPayments = 6;
inline constexpr int64_t kPrepaidMinUsdCents = 25'000;
inline constexpr int64_t kPrepaidMaxUsdCents = 70'000;
inline constexpr int64_t kPrepaidMinTotalUsdCents = 130'000;
inline constexpr int64_t kPrepaidMinSpanMs = 6 * kHourMs;
inline constexpr int64_t kPrepaidMaxSpanMs = 5 * kDayMs;

// cash_near_conflict -> TF-CASH-NEAR-CONFLICT (cash withdrawn at ATMs in a
// foreign conflict-adjacent country, >= 2,000 USD in 7 days).
inline constexpr int64_t kCashNearMinWithdrawals = 3;
inline constexpr int64_t kCashNearMaxWithdrawals = 6;
inline constexpr int64_t kCashNearMinUsdCents = 40'000;
inline constexpr int64_t kCashNearMaxUsdCents = 100'000;
inline constexpr int64_t kCashNearMinTotalUsdCents = 240'000;
inline constexpr int64_t kCashNearMinSpanMs = 6 * kHourMs;
inline constexpr int64_t kCashNearMaxSpanMs = 5 * kDayMs;

// npo_to_conflict -> TF-NPO-TO-CONFLICT (an organisation with >= 10 distinct
// donors in 30 days sends >= 2,000 USD to a conflict zone).
inline constexpr int64_t kNpoMinDonors = 12;
inline constexpr int64_t kNpoMaxDonors = 25;
inline constexpr int64_t kNpoMinDonationUsdCents = 5'000;
inline constexpr int64_t kNpoMaxDonationUsdCents = 60'000;
inline constexpr int64_t kNpoMinCollectMs = 5 * kDayMs;  // first to last donation
inline constexpr int64_t kNpoMaxCollectMs = 18 * kDayMs;
inline constexpr int64_t kNpoMaxTransfers = 2;
inline constexpr int64_t kNpoMinTransferUsdCents = 250'000;
inline constexpr int64_t kNpoMaxTransferUsdCents = 800'000;
inline constexpr int64_t kNpoMaxDelayMs = 3 * kDayMs;  // last donation to the transfers

// cash_to_corridor -> TF-CASH-TO-CORRIDOR (>= 5,000 USD by wire/msb/hawala to a
// conflict-adjacent country, covered >= 70 % by cash deposited in 7 days).
inline constexpr int64_t kCashCorridorMinDeposits = 2;
inline constexpr int64_t kCashCorridorMaxDeposits = 4;
inline constexpr int64_t kCashCorridorMinUsdCents = 180'000;  // per deposit, below 8,000
inline constexpr int64_t kCashCorridorMaxUsdCents = 390'000;
inline constexpr int64_t kCashCorridorMinTotalUsdCents = 650'000;
inline constexpr int64_t kCashCorridorMaxSpanMs = 4 * kDayMs;  // first to last deposit
inline constexpr int64_t kCashCorridorMinDelayMs = 2 * kHourMs;
inline constexpr int64_t kCashCorridorMaxDelayMs = 48 * kHourMs;
inline constexpr int64_t kCashCorridorMinPermille = 800;  // sent / deposited
inline constexpr int64_t kCashCorridorMaxPermille = 1000;

// ---- Nexus (rules/packs/nexus.yaml): a trafficking flag first ----
// The flag comes from an adult_ads-shaped run (kAdultAds* bands, 4-6 payments)
// or a night_lodging-shaped run; the nexus payment follows 1-72 hours later.
inline constexpr int64_t kNexusMinDelayMs = 1 * kHourMs;
inline constexpr int64_t kNexusMaxDelayMs = 72 * kHourMs;
inline constexpr int64_t kNexusFlagMaxSpanMs = 10 * kDayMs;

// nx_funds_to_tf -> NX-HT-FUNDS-TO-TF: the trafficker wires 600-3,000 USD to a
// hub that TF-CONFLICT-INBOUND flagged (12,000-20,000 USD from conflict zones).
inline constexpr int64_t kNexusHubMinInboundUsdCents = 1'200'000;
inline constexpr int64_t kNexusHubMaxInboundUsdCents = 2'000'000;
inline constexpr int64_t kNexusPaymentMinUsdCents = 60'000;
inline constexpr int64_t kNexusPaymentMaxUsdCents = 300'000;

// nx_pays_listed -> NX-HT-PAYS-LISTED: the trafficker wires 1,000-5,000 USD to
// a party named on the UN ISIL/Al-Qaida list (needs --lists; see
// GeneratorConfig::listed_party_scenarios).
inline constexpr int64_t kNexusListedMinUsdCents = 100'000;
inline constexpr int64_t kNexusListedMaxUsdCents = 500'000;

// nx_proceeds_to_corridor -> NX-HT-PROCEEDS-TO-CORRIDOR: 600-2,500 USD by msb /
// wire / mobile money to a conflict-adjacent country outside the conflict zones.
inline constexpr int64_t kNexusCorridorMinUsdCents = 60'000;
inline constexpr int64_t kNexusCorridorMaxUsdCents = 250'000;

// nx_persons_sale -> NX-PERSONS-SALE: one 1,000-8,000 USD payment named as bride
// price or dowry, to or from a conflict-adjacent country.
inline constexpr int64_t kPersonsSaleMinUsdCents = 100'000;
inline constexpr int64_t kPersonsSaleMaxUsdCents = 800'000;

// nx_combined -> NX-COMBINED-INDICATORS: the trafficker sends 300-1,500 USD by
// hawala / msb to a conflict zone with a terrorist-fundraising narrative
// (trafficking flag + conflict zone + narrative = 3 indicators).
inline constexpr int64_t kNexusCombinedMinUsdCents = 30'000;
inline constexpr int64_t kNexusCombinedMaxUsdCents = 150'000;

// ---- Money-flow networks (rules/packs/network.yaml): all parties persons ----

// fan_in_ring -> NET-FAN-IN (>= 10 distinct senders to one person in 72 h): a
// collection ring, 12-18 new persons of the collector's country each give once
// 50-900 USD (ACH / mobile money) within 6-48 hours.
inline constexpr int64_t kFanInMinSenders = 12;
inline constexpr int64_t kFanInMaxSenders = 18;
inline constexpr int64_t kFanInMinUsdCents = 5'000;
inline constexpr int64_t kFanInMaxUsdCents = 90'000;
inline constexpr int64_t kFanInMinSpanMs = 6 * kHourMs;
inline constexpr int64_t kFanInMaxSpanMs = 48 * kHourMs;

// fan_out -> NET-FAN-OUT (one person pays >= 10 distinct persons in 72 h): 12-18
// new persons of the payer's country get 100-1,500 USD each within 4-48 hours.
inline constexpr int64_t kFanOutMinReceivers = 12;
inline constexpr int64_t kFanOutMaxReceivers = 18;
inline constexpr int64_t kFanOutMinUsdCents = 10'000;
inline constexpr int64_t kFanOutMaxUsdCents = 150'000;
inline constexpr int64_t kFanOutMinSpanMs = 4 * kHourMs;
inline constexpr int64_t kFanOutMaxSpanMs = 48 * kHourMs;

// cycle -> NET-CYCLE (3-8 hops back to the origin in 7 days, the closing payment
// >= 1,000 USD): 3-5 hops between new persons, 1,500-4,800 USD the first, each
// next 95-99 % of the one before (never under 1,000), 8-28 hours apart (longer
// than pass-through's 6 h dwell, so it is not a layering chain).
inline constexpr int64_t kCycleMinHops = 3;
inline constexpr int64_t kCycleMaxHops = 5;
inline constexpr int64_t kCycleMinUsdCents = 150'000;
inline constexpr int64_t kCycleMaxUsdCents = 480'000;
inline constexpr int64_t kCycleMinGapMs = 8 * kHourMs;
inline constexpr int64_t kCycleMaxGapMs = 28 * kHourMs;

// scatter_gather -> NET-SCATTER-GATHER (a source pays >= 4 intermediates that each
// then pay one sink, 7 days): 5-7 intermediates get 1,000-4,500 USD each within
// 1-12 hours; each passes 85-98 % on to the sink 2-48 hours after it was paid.
inline constexpr int64_t kScatterMinIntermediates = 5;
inline constexpr int64_t kScatterMaxIntermediates = 7;
inline constexpr int64_t kScatterMinUsdCents = 100'000;
inline constexpr int64_t kScatterMaxUsdCents = 450'000;
inline constexpr int64_t kScatterMaxSpreadMs = 12 * kHourMs;
inline constexpr int64_t kScatterMinDelayMs = 2 * kHourMs;
inline constexpr int64_t kScatterMaxDelayMs = 48 * kHourMs;

// gather_scatter -> NET-GATHER-SCATTER (a person hub with >= 5 senders, then >= 5
// receivers, 7 days): 6-8 senders pay 400-2,000 USD within 4-36 hours; 26-40
// hours after the last (outside AML-RAPID-PASS-THROUGH's 24 h) the hub pays 6-8
// receivers 300-1,800 USD within 2-24 hours.
inline constexpr int64_t kGatherMinParties = 6;
inline constexpr int64_t kGatherMaxParties = 8;
inline constexpr int64_t kGatherInMinUsdCents = 40'000;
inline constexpr int64_t kGatherInMaxUsdCents = 200'000;
inline constexpr int64_t kGatherOutMinUsdCents = 30'000;
inline constexpr int64_t kGatherOutMaxUsdCents = 180'000;
inline constexpr int64_t kGatherMinSpanMs = 4 * kHourMs;
inline constexpr int64_t kGatherMaxSpanMs = 36 * kHourMs;
inline constexpr int64_t kGatherMinDelayMs = 26 * kHourMs;
inline constexpr int64_t kGatherMaxDelayMs = 40 * kHourMs;
inline constexpr int64_t kScatterOutMinSpanMs = 2 * kHourMs;
inline constexpr int64_t kScatterOutMaxSpanMs = 24 * kHourMs;

// mule_chain -> NET-LAYERING-CHAIN (>= 3 hops, each passing on 70-105 % within
// 6 h, >= 1,000 USD): an origin pays 1,500-4,800 USD into a chain of 3-5 hops of
// new persons, each passing on 92-99 % after 20 minutes-4 hours (first hop wire /
// ACH, then mobile money / ACH / wire). Under 5,000, so AML-RAPID-PASS-THROUGH
// stays quiet. Subject: the last account (the cash-out).
inline constexpr int64_t kMuleMinHops = 3;
inline constexpr int64_t kMuleMaxHops = 5;
inline constexpr int64_t kMuleMinUsdCents = 150'000;
inline constexpr int64_t kMuleMaxUsdCents = 480'000;
inline constexpr int64_t kMuleMinPermille = 920;
inline constexpr int64_t kMuleMaxPermille = 990;
inline constexpr int64_t kMuleMinDwellMs = 20 * kMinuteMs;
inline constexpr int64_t kMuleMaxDwellMs = 4 * kHourMs;

// sanctions_exposure -> NET-SANCTIONS-EXPOSURE (needs --lists, like nx_pays_listed):
// a new person wires 1,000-5,000 USD to a UN-listed exchange house in Iraq, then
// 1-72 hours later pays 200-3,000 USD (ACH / wire) to a new person at home.
inline constexpr int64_t kExposureListedMinUsdCents = 100'000;
inline constexpr int64_t kExposureListedMaxUsdCents = 500'000;
inline constexpr int64_t kExposureNextMinUsdCents = 20'000;
inline constexpr int64_t kExposureNextMaxUsdCents = 300'000;

// trafficking_money_to_corridor -> NET-TRAFFICKING-MONEY-TO-CORRIDOR: a trafficker
// flagged by an adult-ads or night-lodging run pays a mule at home 1,000-2,800 USD
// (wire / ACH) 1-72 hours later; 1-24 hours after that the mule remits 85-98 % of
// it (msb / mobile money / wire; under TF-MSB-FIRST-USE's 3,000) to a new person
// in NG NE TD CM BF TR LB JO. Subject: the mule.
inline constexpr int64_t kTraffickingMuleMinUsdCents = 100'000;
inline constexpr int64_t kTraffickingMuleMaxUsdCents = 280'000;
inline constexpr int64_t kTraffickingRemitMinPermille = 850;
inline constexpr int64_t kTraffickingRemitMaxPermille = 980;
inline constexpr int64_t kTraffickingMinRemitDelayMs = 1 * kHourMs;
inline constexpr int64_t kTraffickingMaxRemitDelayMs = 24 * kHourMs;

// controller_cluster -> NET-CONTROLLER-CLUSTER (>= 6 accounts in >= 5 names linked
// by a shared identifier): 6-8 new persons of one country in distinct names carry
// the controller's phone (half the instances) or pay from its device (the other
// half); each makes 1-2 mobile-money payments of 10-200 USD, first to last 1-10
// days. Subject: the sixth account to pay (its first payment makes the cluster 6).
// HT-SHARED-PHONE / HT-SHARED-DEVICE fire too.
inline constexpr int64_t kControllerMinAccounts = 6;
inline constexpr int64_t kControllerMaxAccounts = 8;

// UN Security Council ISIL (Da'esh) and Al-Qaida list entries (exchange houses
// in Iraq) that nx_pays_listed pays, as the list spells them.
inline constexpr const char* kListedParties[] = {"Al-Kawthar Money Exchange", "Selselat al-Thahab"};

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
    {"adult_ads", "HT-ADULT-ADS"},
    {"night_lodging", "HT-NIGHT-LODGING"},
    {"travel_for_others", "HT-TRAVEL-FOR-OTHERS"},
    {"shared_phone", "HT-SHARED-PHONE"},
    {"shared_device", "HT-SHARED-DEVICE"},
    {"wages_drained", "HT-WAGES-DRAINED"},
    {"wages_pooled", "HT-WAGES-POOLED"},
    {"funnel_account", "HT-FUNNEL-ACCOUNT"},
    {"upkeep_rent", "HT-UPKEEP-RENT"},
    {"recruitment_fees", "HT-RECRUITMENT-FEES"},
    {"tf_narrative", "TF-NARRATIVE-KEYWORDS"},
    {"conflict_inbound", "TF-CONFLICT-INBOUND"},
    {"ransom", "TF-RANSOM-PATTERN"},
    {"msb_first_use", "TF-MSB-FIRST-USE"},
    {"prepaid_abroad", "TF-PREPAID-ABROAD"},
    {"cash_near_conflict", "TF-CASH-NEAR-CONFLICT"},
    {"npo_to_conflict", "TF-NPO-TO-CONFLICT"},
    {"cash_to_corridor", "TF-CASH-TO-CORRIDOR"},
    {"nx_funds_to_tf", "NX-HT-FUNDS-TO-TF"},
    {"nx_pays_listed", "NX-HT-PAYS-LISTED"},
    {"nx_proceeds_to_corridor", "NX-HT-PROCEEDS-TO-CORRIDOR"},
    {"nx_persons_sale", "NX-PERSONS-SALE"},
    {"nx_combined", "NX-COMBINED-INDICATORS"},
    {"fan_in_ring", "NET-FAN-IN"},
    {"fan_out", "NET-FAN-OUT"},
    {"cycle", "NET-CYCLE"},
    {"scatter_gather", "NET-SCATTER-GATHER"},
    {"gather_scatter", "NET-GATHER-SCATTER"},
    {"mule_chain", "NET-LAYERING-CHAIN"},
    {"sanctions_exposure", "NET-SANCTIONS-EXPOSURE"},
    {"trafficking_money_to_corridor", "NET-TRAFFICKING-MONEY-TO-CORRIDOR"},
    {"controller_cluster", "NET-CONTROLLER-CLUSTER"},
};
/// The families planted only with GeneratorConfig::listed_party_scenarios (their
/// rules read a sanctions screening hit).
inline constexpr const char* kListedPartyFamilies[] = {"nx_pays_listed", "sanctions_exposure"};

/// Adds config.scenarios_per_rule instances of every family: their accounts to
/// `world`, their transactions to `records` (seq from 0 up, scenario = label
/// index) and one label each to `labels` with transaction_ids still empty (the
/// caller fills them in emit order). Instances are spread over the time span.
void plant_scenarios(const GeneratorConfig& config, const Population& population, World* world,
                     std::vector<TxRecord>* records, std::vector<ScenarioLabel>* labels);

}  // namespace nexus::generator::detail
