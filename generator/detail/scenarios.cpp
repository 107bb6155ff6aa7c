#include "generator/detail/scenarios.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace nexus::generator::detail {
namespace {

constexpr std::array<const char*, 15> kConflictAdjacent = {
    "SY", "IQ", "AF", "YE", "SO", "LY", "ML", "NG", "NE", "TD", "CM", "BF", "TR", "LB", "JO"};
constexpr std::array<const char*, 7> kConflictZones = {"SY", "IQ", "AF", "YE", "SO", "LY", "ML"};
// Where pass-through and corridor subjects live (diaspora and financial hubs).
constexpr std::array<const char*, 8> kSubjectHomes = {"US", "GB", "DE", "FR",
                                                      "NL", "AE", "ES", "IT"};
// Where pass-through money comes from and leaves to.
constexpr std::array<const char*, 7> kPassThroughSources = {"US", "GB", "DE", "AE",
                                                            "HK", "CY", "NL"};
constexpr std::array<const char*, 5> kPassThroughExits = {"AE", "HK", "CY", "TR", "CN"};

template <size_t N>
uint8_t pick_country(const std::array<const char*, N>& codes, Rng* rng) {
  return country_index(codes[rng->below(N)]);
}

// Planting state shared by the builders.
class Planter {
 public:
  Planter(const GeneratorConfig& config, const Population& population, World* world,
          std::vector<TxRecord>* records, std::vector<ScenarioLabel>* labels)
      : config_(config),
        population_(population),
        world_(world),
        records_(records),
        labels_(labels),
        rng_(mix_seed(config.seed, 0x706c616e74)),
        used_(population.customer_count, false) {}

  void plant_all() {
    const uint32_t n = config_.scenarios_per_rule;
    for (size_t family = 0; family < std::size(kScenarioFamilies); ++family) {
      for (uint32_t i = 0; i < n; ++i) {
        ScenarioLabel label;
        char id[32];
        std::snprintf(id, sizeof(id), "%s-%04u", kScenarioFamilies[family].name, i);
        label.scenario_id = id;
        label.scenario = kScenarioFamilies[family].name;
        label.rule_id = kScenarioFamilies[family].rule_id;
        labels_->push_back(std::move(label));
        scenario_ = static_cast<int32_t>(labels_->size() - 1);
        switch (family) {
          case 0:
            structuring(i);
            break;
          case 1:
            velocity(i);
            break;
          case 2:
            crowdfunding(i);
            break;
          case 3:
            pass_through(i);
            break;
          default:
            conflict_corridor(i);
            break;
        }
      }
    }
  }

 private:
  int64_t span_ms() const { return static_cast<int64_t>(config_.days) * kDayMs; }

  // Scenario durations shrink to fit very short spans (tests with days = 1).
  int64_t fit(int64_t duration_ms) const { return std::min(duration_ms, span_ms() - 1); }

  // Start time of instance `instance` lasting `duration_ms`: inside the
  // instance's slot of the span where possible, always inside the span.
  int64_t place(uint32_t instance, int64_t duration_ms) {
    const int64_t slot = span_ms() / config_.scenarios_per_rule;
    const int64_t latest = span_ms() - 1 - duration_ms;
    const int64_t lo = std::min(static_cast<int64_t>(instance) * slot, latest);
    // Instances longer than their slot may run into the next one; they still
    // start at a random point of their own slot, not at its very beginning.
    const int64_t hi = std::max(lo, std::min(lo + std::max(slot - duration_ms, slot / 2), latest));
    return config_.start_time_ms + rng_.between(lo, hi);
  }

  // `count` sorted times from start to start + duration, both ends included.
  std::vector<int64_t> spread(int64_t start, int64_t duration_ms, int64_t count) {
    std::vector<int64_t> times;
    times.push_back(start);
    for (int64_t i = 1; i + 1 < count; ++i) times.push_back(start + rng_.between(0, duration_ms));
    if (count > 1) times.push_back(start + duration_ms);
    std::sort(times.begin(), times.end());
    return times;
  }

  // Splits `total` into `parts` positive pieces of comparable size.
  std::vector<int64_t> split(int64_t total, int64_t parts) {
    std::vector<int64_t> weights;
    int64_t weight_total = 0;
    for (int64_t i = 0; i < parts; ++i) {
      weights.push_back(rng_.between(2, 5));
      weight_total += weights.back();
    }
    std::vector<int64_t> pieces;
    int64_t given = 0;
    for (int64_t i = 0; i + 1 < parts; ++i) {
      pieces.push_back(total * weights[static_cast<size_t>(i)] / weight_total);
      given += pieces.back();
    }
    pieces.push_back(total - given);
    return pieces;
  }

  // An unused background customer (persons only if `person`), or a fresh
  // account if none is left.
  uint32_t pick_customer(bool person) {
    for (int attempt = 0; attempt < 64; ++attempt) {
      const uint32_t c = static_cast<uint32_t>(rng_.below(population_.customer_count));
      if (used_[c] || (person && world_->profile(c).organization)) continue;
      used_[c] = true;
      return c;
    }
    return world_->add_profile(pick_country(kSubjectHomes, &rng_), false);
  }

  void set_subject(uint32_t profile) {
    (*labels_)[static_cast<size_t>(scenario_)].subject = world_->profile(profile).account;
  }

  TxRecord& add(int64_t time_ms, nexus::v1::Channel channel, uint32_t originator,
                uint32_t beneficiary, int64_t usd_cents, uint8_t narrative) {
    TxRecord r;
    r.time_ms = time_ms;
    r.seq = records_->size();
    r.originator = originator;
    r.beneficiary = beneficiary;
    r.scenario = scenario_;
    r.channel = static_cast<uint8_t>(channel);
    r.currency = kUsd;
    r.amount_minor = usd_cents;
    r.narrative = narrative;
    records_->push_back(r);
    return records_->back();
  }

  void structuring(uint32_t instance) {
    const uint32_t subject = pick_customer(true);
    set_subject(subject);
    const int64_t deposits = rng_.between(kStructuringMinDeposits, kStructuringMaxDeposits);
    const int64_t span = fit(rng_.between(kStructuringMinSpanMs, kStructuringMaxSpanMs));
    const auto times = spread(place(instance, span), span, deposits);
    const uint32_t country = world_->profile(subject).country;
    // Different branches: locations 1000 + 37k + jitter never repeat within one
    // instance and never collide with background branches (1..400).
    for (size_t j = 0; j < times.size(); ++j) {
      const int64_t usd =
          rng_.between(kStructuringMinUsdCents / 5'000, kStructuringMaxUsdCents / 5'000) * 5'000;
      TxRecord& r = add(times[j], nexus::v1::CHANNEL_CASH_DEPOSIT, subject, subject, usd,
                        kNarrativeCashDeposit);
      r.flags |= kOriginatorCash;
      r.location = (country << 16) | static_cast<uint32_t>(1000 + 37 * j + rng_.below(30));
    }
  }

  void velocity(uint32_t instance) {
    const uint32_t subject = pick_customer(true);
    set_subject(subject);
    const int64_t count = rng_.between(kVelocityMinTransfers, kVelocityMaxTransfers);
    const int64_t window = fit(rng_.between(kVelocityMinWindowMs, kVelocityMaxWindowMs));
    const auto times = spread(place(instance, window), window, count);
    static constexpr nexus::v1::Channel kChannels[] = {
        nexus::v1::CHANNEL_CARD, nexus::v1::CHANNEL_MOBILE_MONEY, nexus::v1::CHANNEL_WIRE};
    const nexus::v1::Channel channel = kChannels[rng_.below(3)];
    for (int64_t t : times) {
      uint32_t beneficiary;
      if (channel == nexus::v1::CHANNEL_CARD) {
        beneficiary = population_.merchants[rng_.below(population_.merchants.size())];
      } else {
        beneficiary = static_cast<uint32_t>(rng_.below(population_.customer_count));
        if (beneficiary == subject) beneficiary = (subject + 1) % population_.customer_count;
      }
      const int64_t usd = rng_.between(kVelocityMinUsdCents, kVelocityMaxUsdCents);
      TxRecord& r = add(t, channel, subject, beneficiary, usd,
                        channel == nexus::v1::CHANNEL_CARD ? kNarrativeNone : kNarrativeGift);
      r.flags |= kWithDevice;
    }
  }

  void crowdfunding(uint32_t instance) {
    const uint32_t beneficiary =
        world_->add_profile(pick_country(kConflictAdjacent, &rng_), rng_.chance_permille(500));
    set_subject(beneficiary);
    const int64_t donors = rng_.between(kCrowdfundMinDonors, kCrowdfundMaxDonors);
    const int64_t window = fit(rng_.between(kCrowdfundMinWindowMs, kCrowdfundMaxWindowMs));
    const auto times = spread(place(instance, window), window, donors);
    static constexpr nexus::v1::Channel kChannels[] = {
        nexus::v1::CHANNEL_MSB, nexus::v1::CHANNEL_MOBILE_MONEY, nexus::v1::CHANNEL_WIRE};
    std::vector<uint32_t> chosen;
    for (int64_t t : times) {
      // Ordinary people from everywhere, each giving once (distinct donors).
      uint32_t donor = kNone;
      for (int attempt = 0; attempt < 64 && donor == kNone; ++attempt) {
        const uint32_t c = static_cast<uint32_t>(rng_.below(population_.customer_count));
        if (std::find(chosen.begin(), chosen.end(), c) == chosen.end()) donor = c;
      }
      if (donor == kNone) donor = world_->add_profile(pick_country(kSubjectHomes, &rng_), false);
      chosen.push_back(donor);
      const int64_t usd = rng_.between(kCrowdfundMinUsdCents, kCrowdfundMaxUsdCents);
      TxRecord& r = add(t, kChannels[rng_.below(3)], donor, beneficiary, usd,
                        rng_.chance_permille(500) ? kNarrativeRelief : kNarrativeDonation);
      r.flags |= kWithDevice;
    }
  }

  void pass_through(uint32_t instance) {
    const uint32_t subject = world_->add_profile(pick_country(kSubjectHomes, &rng_), false);
    set_subject(subject);
    const int64_t inbound_total =
        rng_.between(kPassThroughMinInboundUsdCents, kPassThroughMaxInboundUsdCents);
    const int64_t inbound_legs =
        rng_.between(kPassThroughMinInboundLegs, kPassThroughMaxInboundLegs);
    const int64_t outbound_legs =
        rng_.between(kPassThroughMinOutboundLegs, kPassThroughMaxOutboundLegs);
    const int64_t inbound_spread =
        inbound_legs > 1 ? rng_.between(0, kPassThroughInboundSpreadMs) : 0;
    const int64_t delay = rng_.between(kPassThroughMinDelayMs, kPassThroughMaxDelayMs);
    std::vector<int64_t> gaps;
    int64_t outbound_spread = 0;
    for (int64_t i = 1; i < outbound_legs; ++i) {
      gaps.push_back(rng_.between(kPassThroughMinOutboundGapMs, kPassThroughMaxOutboundGapMs));
      outbound_spread += gaps.back();
    }
    const int64_t duration = inbound_spread + delay + outbound_spread;
    // At most 4 + 6 + 2 = 12 hours, so even a one-day span holds it.
    const int64_t start = place(instance, fit(duration));

    const auto in_times = spread(start, inbound_spread, inbound_legs);
    const auto in_amounts = split(inbound_total, inbound_legs);
    for (size_t j = 0; j < in_times.size(); ++j) {
      const uint32_t source = world_->add_profile(pick_country(kPassThroughSources, &rng_), true);
      add(in_times[j], nexus::v1::CHANNEL_WIRE, source, subject, in_amounts[j],
          rng_.chance_permille(500) ? kNarrativeConsulting : kNarrativeInvoice);
    }
    const int64_t out_permille =
        rng_.between(kPassThroughMinOutPermille, kPassThroughMaxOutPermille);
    const auto out_amounts = split(inbound_total * out_permille / 1000, outbound_legs);
    int64_t t = in_times.back() + delay;
    for (int64_t j = 0; j < outbound_legs; ++j) {
      const bool abroad = j == outbound_legs - 1;  // the last leg leaves the country
      const uint32_t to =
          abroad ? world_->add_profile(pick_country(kPassThroughExits, &rng_), true)
                 : world_->add_profile(world_->profile(subject).country, rng_.chance_permille(500));
      TxRecord& r = add(t, abroad ? nexus::v1::CHANNEL_WIRE : nexus::v1::CHANNEL_ACH, subject, to,
                        out_amounts[static_cast<size_t>(j)], kNarrativeSupplier);
      r.flags |= kWithDevice;
      if (j + 1 < outbound_legs) t += gaps[static_cast<size_t>(j)];
    }
  }

  void conflict_corridor(uint32_t instance) {
    const uint32_t subject = world_->add_profile(pick_country(kSubjectHomes, &rng_), false);
    set_subject(subject);
    const int64_t count = rng_.between(kCorridorMinRemittances, kCorridorMaxRemittances);
    std::vector<int64_t> amounts;
    for (int attempt = 0; attempt < 64; ++attempt) {
      amounts.clear();
      int64_t total = 0;
      for (int64_t i = 0; i < count; ++i) {
        amounts.push_back(rng_.between(kCorridorMinUsdCents, kCorridorMaxUsdCents));
        total += amounts.back();
      }
      if (total >= kCorridorMinTotalUsdCents) break;
    }
    int64_t total = 0;
    for (int64_t a : amounts) total += a;
    // Draws kept missing the total (3 remittances only): top them up evenly.
    for (auto& a : amounts) {
      if (total >= kCorridorMinTotalUsdCents) break;
      const int64_t raise = std::min(kCorridorMaxUsdCents - a, kCorridorMinTotalUsdCents - total);
      a += raise;
      total += raise;
    }
    const int64_t span = fit(rng_.between(kCorridorMinSpanMs, kCorridorMaxSpanMs));
    const auto times = spread(place(instance, span), span, count);
    std::vector<uint32_t> beneficiaries;
    const int64_t beneficiary_count = rng_.between(1, kCorridorMaxBeneficiaries);
    for (int64_t b = 0; b < beneficiary_count; ++b) {
      beneficiaries.push_back(world_->add_profile(pick_country(kConflictZones, &rng_), false));
    }
    for (size_t j = 0; j < times.size(); ++j) {
      const auto channel =
          rng_.chance_permille(600) ? nexus::v1::CHANNEL_MSB : nexus::v1::CHANNEL_HAWALA;
      add(times[j], channel, subject, beneficiaries[j % beneficiaries.size()], amounts[j],
          rng_.chance_permille(500) ? kNarrativeFamily : kNarrativeMedical);
    }
  }

  const GeneratorConfig& config_;
  const Population& population_;
  World* world_;
  std::vector<TxRecord>* records_;
  std::vector<ScenarioLabel>* labels_;
  Rng rng_;
  std::vector<bool> used_;
  int32_t scenario_ = kBackground;
};

}  // namespace

void plant_scenarios(const GeneratorConfig& config, const Population& population, World* world,
                     std::vector<TxRecord>* records, std::vector<ScenarioLabel>* labels) {
  if (config.scenarios_per_rule == 0) return;
  Planter(config, population, world, records, labels).plant_all();
}

}  // namespace nexus::generator::detail
