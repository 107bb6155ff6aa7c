#include "generator/detail/scenarios.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>

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
// Conflict-adjacent countries outside the conflict zones.
constexpr std::array<const char*, 8> kAdjacentOnly = {"NG", "NE", "TD", "CM",
                                                      "BF", "TR", "LB", "JO"};
// Where ATMs and shops of foreign-fighter travel are (transit countries).
constexpr std::array<const char*, 3> kTransit = {"TR", "LB", "JO"};
// Where migrant workers' wages go home to (none conflict-adjacent).
constexpr std::array<const char*, 5> kWorkerHomes = {"PH", "IN", "MX", "KE", "PK"};
// Where recruitment agencies of migrant workers are, and where workers come from.
constexpr std::array<const char*, 4> kAgencyHomes = {"AE", "SA", "KW", "GB"};
// Hubs that receive conflict-zone money outside the conflict-adjacent countries.
constexpr std::array<const char*, 4> kHubHomes = {"AE", "CY", "GB", "DE"};
// Kidnap-for-ransom payout destinations.
constexpr std::array<const char*, 6> kRansomDestinations = {"SO", "YE", "LY", "ML", "NG", "IQ"};

bool listed_party_family(std::string_view name) {
  for (const char* listed : kListedPartyFamilies) {
    if (name == listed) return true;
  }
  return false;
}

// Whether a merchant category (index + 1, as Profile::merchant_category) is an
// everyday one: not lodging, travel or adult ads, which the trafficking rules read.
bool everyday(uint16_t merchant_category) {
  const int category = static_cast<int>(merchant_category) - 1;
  return category != kCategoryHotel && category != kCategoryMotel && category != kCategoryAirline &&
         category != kCategoryTravelAgency && category != kCategoryCoach &&
         category != kCategoryAdultAds;
}

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
    using Builder = void (Planter::*)(uint32_t);
    static constexpr Builder kBuilders[] = {
        &Planter::structuring,
        &Planter::velocity,
        &Planter::crowdfunding,
        &Planter::pass_through,
        &Planter::conflict_corridor,
        &Planter::adult_ads,
        &Planter::night_lodging,
        &Planter::travel_for_others,
        &Planter::shared_phone,
        &Planter::shared_device,
        &Planter::wages_drained,
        &Planter::wages_pooled,
        &Planter::funnel_account,
        &Planter::upkeep_rent,
        &Planter::recruitment_fees,
        &Planter::tf_narrative,
        &Planter::conflict_inbound,
        &Planter::ransom,
        &Planter::msb_first_use,
        &Planter::prepaid_abroad,
        &Planter::cash_near_conflict,
        &Planter::npo_to_conflict,
        &Planter::cash_to_corridor,
        &Planter::nx_funds_to_tf,
        &Planter::nx_pays_listed,
        &Planter::nx_proceeds_to_corridor,
        &Planter::nx_persons_sale,
        &Planter::nx_combined,
        &Planter::fan_in_ring,
        &Planter::fan_out,
        &Planter::cycle,
        &Planter::scatter_gather,
        &Planter::gather_scatter,
        &Planter::mule_chain,
        &Planter::sanctions_exposure,
        &Planter::trafficking_money_to_corridor,
        &Planter::controller_cluster,
    };
    static_assert(std::size(kBuilders) == std::size(kScenarioFamilies));
    for (size_t family = 0; family < std::size(kScenarioFamilies); ++family) {
      if (!config_.listed_party_scenarios && listed_party_family(kScenarioFamilies[family].name)) {
        continue;
      }
      for (uint32_t i = 0; i < n; ++i) {
        ScenarioLabel label;
        char id[32];
        std::snprintf(id, sizeof(id), "%s-%04u", kScenarioFamilies[family].name, i);
        label.scenario_id = id;
        label.scenario = kScenarioFamilies[family].name;
        label.rule_id = kScenarioFamilies[family].rule_id;
        labels_->push_back(std::move(label));
        scenario_ = static_cast<int32_t>(labels_->size() - 1);
        (this->*kBuilders[family])(i);
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
      uint32_t beneficiary = 0;
      if (channel == nexus::v1::CHANNEL_CARD) {
        // Everyday shops: a burst at hotels or ticket sellers would raise the
        // trafficking rules (and a flag whose exposure reaches the subject's friends).
        for (int attempt = 0; attempt < 16; ++attempt) {
          beneficiary = population_.merchants[rng_.below(population_.merchants.size())];
          if (everyday(world_->profile(beneficiary).merchant_category)) break;
        }
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
    // Rounded up, so the share never falls under the band's floor.
    const auto out_amounts = split((inbound_total * out_permille + 999) / 1000, outbound_legs);
    int64_t t = in_times.back() + delay;
    for (int64_t j = 0; j < outbound_legs; ++j) {
      const bool abroad = j == outbound_legs - 1;  // the last leg leaves the country
      uint8_t exit = pick_country(kPassThroughExits, &rng_);
      // Abroad: never the subject's own country (AE is both a home and an exit).
      while (abroad && exit == world_->profile(subject).country) {
        exit = pick_country(kPassThroughExits, &rng_);
      }
      const uint32_t to =
          abroad ? world_->add_profile(exit, true)
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

  // ---- helpers of the new families ----

  // Start times of consecutive phases lasting `durations`, shrunk together to
  // fit the span; returns the phase starts and sets `durations` to the fitted ones.
  std::vector<int64_t> phases(uint32_t instance, std::vector<int64_t>* durations) {
    int64_t total = 0;
    for (int64_t d : *durations) total += d;
    const int64_t room = span_ms() - 1;
    if (total > room) {
      for (auto& d : *durations) d = d * room / total;
      total = 0;
      for (int64_t d : *durations) total += d;
    }
    std::vector<int64_t> starts;
    int64_t t = place(instance, total);
    for (int64_t d : *durations) {
      starts.push_back(t);
      t += d;
    }
    return starts;
  }

  uint32_t new_person(uint8_t country) { return world_->add_profile(country, false); }
  uint32_t new_organisation(uint8_t country) { return world_->add_profile(country, true); }

  template <size_t N>
  uint32_t new_person_in(const std::array<const char*, N>& countries) {
    return new_person(pick_country(countries, &rng_));
  }

  uint32_t pick_from(const std::vector<uint32_t>& pool) { return pool[rng_.below(pool.size())]; }

  // A merchant of `category`: a local one of `country` if there is one, else any.
  uint32_t merchant(int category, uint8_t country) {
    const auto& local = population_.local_merchants[country][static_cast<size_t>(category)];
    if (!local.empty()) return pick_from(local);
    return pick_from(population_.merchants_by_category[static_cast<size_t>(category)]);
  }

  // A moment of 23:00-03:59 local standard time (kCountries' utc_offset_h of `country`)
  // in the night that starts on the local day of `t`, or the night after or before when
  // that one is outside [lo, hi] (clamped into the span when only part of a night is in
  // it). HT-NIGHT-LODGING reads the hotel's local clock; daylight saving moves these
  // moments to 00:00-04:59, still inside its 22:00-05:00.
  int64_t night_of(int64_t t, uint8_t country, int64_t lo, int64_t hi) {
    const int64_t offset = kCountries[country].utc_offset_h * kHourMs;
    const int64_t local = t + offset;
    const int64_t begin = local - ((local % kDayMs) + kDayMs) % kDayMs - offset + 23 * kHourMs;
    const int64_t draw = rng_.between(0, 5 * kHourMs - kMinuteMs);
    for (const int64_t shift : {int64_t{0}, kDayMs, -kDayMs}) {
      const int64_t first = std::max(lo, begin + shift);
      const int64_t last = std::min(hi, begin + shift + 5 * kHourMs - kMinuteMs);
      if (first <= last) return std::clamp(begin + shift + draw, first, last);
    }
    return std::clamp(begin + draw, lo, hi);
  }

  // A hotel or motel for a night of `subject`: a local one where the country has one.
  uint32_t pick_lodging(uint32_t subject) {
    return merchant(rng_.chance_permille(500) ? kCategoryHotel : kCategoryMotel,
                    world_->profile(subject).country);
  }

  int64_t usd(int64_t lo, int64_t hi) { return rng_.between(lo, hi); }

  // `count` amounts in [lo, hi] summing to at least `min_total` (raised evenly
  // when the draws fall short; callers keep count * hi >= min_total).
  std::vector<int64_t> amounts_with_total(int64_t count, int64_t lo, int64_t hi,
                                          int64_t min_total) {
    std::vector<int64_t> out;
    int64_t total = 0;
    for (int64_t i = 0; i < count; ++i) {
      out.push_back(usd(lo, hi));
      total += out.back();
    }
    for (auto& a : out) {
      if (total >= min_total) break;
      const int64_t raise = std::min(hi - a, min_total - total);
      a += raise;
      total += raise;
    }
    return out;
  }

  TxRecord& card(int64_t t, uint32_t payer, uint32_t merchant_profile, int64_t usd_cents,
                 nexus::v1::Channel channel = nexus::v1::CHANNEL_CARD) {
    TxRecord& r = add(t, channel, payer, merchant_profile, usd_cents, kNarrativeNone);
    r.flags |= kWithDevice;
    return r;
  }

  // Cash at branch `branch` of `country` (planted branches are >= 500, never a
  // background one).
  TxRecord& cash(int64_t t, bool deposit, uint32_t holder, int64_t usd_cents, uint8_t country,
                 uint32_t branch) {
    TxRecord& r =
        add(t, deposit ? nexus::v1::CHANNEL_CASH_DEPOSIT : nexus::v1::CHANNEL_CASH_WITHDRAWAL,
            holder, holder, usd_cents, deposit ? kNarrativeCashDeposit : kNarrativeAtm);
    r.flags |= deposit ? kOriginatorCash : kBeneficiaryCash;
    r.location = (static_cast<uint32_t>(country) << 16) | branch;
    return r;
  }

  // The trafficking flag: an adult_ads-shaped run (4-6 payments) or a
  // night_lodging-shaped run (3-4 nights) of `subject` within `span`, starting at
  // `start`; returns the time of its last payment.
  int64_t raise_trafficking_flag(uint32_t subject, int64_t start, int64_t span, bool lodging) {
    if (lodging) {
      const int64_t nights = rng_.between(kNightLodgingMinNights, 4);
      const int64_t night_span = std::min<int64_t>(span, kNightLodgingMaxSpanDays * kDayMs);
      int64_t last = start;
      for (int64_t k = 0; k < nights; ++k) {
        const int64_t day = nights > 1 ? night_span * k / (nights - 1) : 0;
        // Nights on distinct local days from `start` on, at the hotel's clock.
        const uint32_t hotel = pick_lodging(subject);
        const int64_t t =
            night_of(start + day, world_->profile(hotel).country, start, clamp_time(start + span));
        last = std::max(last, t);
        card(t, subject, hotel, usd(kNightLodgingMinUsdCents, kNightLodgingMaxUsdCents));
      }
      return last;
    }
    const int64_t count = rng_.between(4, 6);
    const auto times = spread(start, span, count);
    for (int64_t t : times) {
      card(t, subject, pick_from(population_.merchants_by_category[kCategoryAdultAds]),
           usd(kAdultAdsMinUsdCents, kAdultAdsMaxUsdCents));
    }
    return times.back();
  }

  // ---- human trafficking ----

  void adult_ads(uint32_t instance) {
    const uint32_t subject = new_person_in(kSubjectHomes);
    set_subject(subject);
    const int64_t count = rng_.between(kAdultAdsMinPayments, kAdultAdsMaxPayments);
    const int64_t span = fit(rng_.between(kAdultAdsMinSpanMs, kAdultAdsMaxSpanMs));
    for (int64_t t : spread(place(instance, span), span, count)) {
      card(t, subject, pick_from(population_.merchants_by_category[kCategoryAdultAds]),
           usd(kAdultAdsMinUsdCents, kAdultAdsMaxUsdCents));
    }
  }

  void night_lodging(uint32_t instance) {
    const uint32_t subject = new_person_in(kSubjectHomes);
    set_subject(subject);
    // Nights on distinct local days at the hotel's clock; with a one-day span they
    // share the night.
    const int64_t nights = rng_.between(kNightLodgingMinNights, kNightLodgingMaxNights);
    const int64_t span_days = std::min<int64_t>(kNightLodgingMaxSpanDays, config_.days - 1);
    const int64_t start = place(instance, fit(span_days * kDayMs + kDayMs));
    const int64_t end = config_.start_time_ms + span_ms() - 1;
    std::vector<std::pair<int64_t, uint32_t>> stays;  // (time, hotel)
    for (int64_t k = 0; k < nights; ++k) {
      const int64_t day = nights > 1 ? span_days * k / (nights - 1) : 0;
      const uint32_t hotel = pick_lodging(subject);
      stays.emplace_back(night_of(start + day * kDayMs, world_->profile(hotel).country,
                                  config_.start_time_ms, end),
                         hotel);
    }
    std::sort(stays.begin(), stays.end());
    for (const auto& [t, hotel] : stays) {
      card(t, subject, hotel, usd(kNightLodgingMinUsdCents, kNightLodgingMaxUsdCents));
    }
  }

  void travel_for_others(uint32_t instance) {
    const uint32_t subject = new_person_in(kSubjectHomes);
    set_subject(subject);
    const int64_t count = rng_.between(kTravelMinTickets, kTravelMaxTickets);
    const int64_t span = fit(rng_.between(kTravelMinSpanMs, kTravelMaxSpanMs));
    const uint8_t country = world_->profile(subject).country;
    static constexpr int kTravel[] = {kCategoryAirline, kCategoryTravelAgency, kCategoryCoach};
    for (int64_t t : spread(place(instance, span), span, count)) {
      card(t, subject, merchant(kTravel[rng_.below(3)], country),
           usd(kTravelMinUsdCents, kTravelMaxUsdCents));
    }
  }

  // Payments of `accounts` (1-2 each, the first of each in account order) to
  // local shops and people, from `start` over `span`.
  void controlled_accounts_pay(const std::vector<uint32_t>& accounts, int64_t start, int64_t span) {
    std::vector<int64_t> firsts = spread(start, span, static_cast<int64_t>(accounts.size()));
    for (size_t a = 0; a < accounts.size(); ++a) {
      const int64_t payments = rng_.between(1, 2);
      for (int64_t p = 0; p < payments; ++p) {
        const int64_t t = firsts[a] + p * rng_.between(kMinuteMs, 2 * kHourMs);
        const uint8_t country = world_->profile(accounts[a]).country;
        if (rng_.chance_permille(500)) {
          card(t, accounts[a], merchant(kCategoryMarket, country),
               usd(kSharedMinUsdCents, kSharedMaxUsdCents), nexus::v1::CHANNEL_MOBILE_MONEY);
        } else {
          TxRecord& r = add(t, nexus::v1::CHANNEL_MOBILE_MONEY, accounts[a],
                            pick_domestic_customer(country, accounts[a]),
                            usd(kSharedMinUsdCents, kSharedMaxUsdCents), kNarrativeShared);
          r.flags |= kWithDevice;
        }
      }
    }
  }

  uint32_t pick_domestic_customer(uint8_t country, uint32_t exclude) {
    const auto& local = population_.customers_by_country[country];
    if (local.empty()) return new_person(country);
    uint32_t c = pick_from(local);
    return c == exclude ? new_person(country) : c;
  }

  void shared_phone(uint32_t instance) {
    shared_identifier(instance, &Profile::phone, kSharedPhoneMinAccounts, kSharedPhoneMaxAccounts,
                      kSharedPhoneMinSpanMs, kSharedPhoneMaxSpanMs);
  }

  void shared_device(uint32_t instance) {
    shared_identifier(instance, &Profile::device_id, kSharedDeviceMinAccounts,
                      kSharedDeviceMaxAccounts, kSharedDeviceMinSpanMs, kSharedDeviceMaxSpanMs);
  }

  // Several new persons given the controller's phone or device (`field`); the identifier
  // is the label's subject.
  void shared_identifier(uint32_t instance, std::string Profile::*field, int64_t min_accounts,
                         int64_t max_accounts, int64_t min_span, int64_t max_span) {
    const uint8_t country = pick_country(kSubjectHomes, &rng_);
    const int64_t count = rng_.between(min_accounts, max_accounts);
    std::vector<uint32_t> accounts;
    for (int64_t a = 0; a < count; ++a) accounts.push_back(new_person(country));
    const std::string shared = world_->profile(accounts[0]).*field;  // the controller's
    for (uint32_t a : accounts) world_->mutable_profile(a).*field = shared;
    (*labels_)[static_cast<size_t>(scenario_)].subject = shared;
    const int64_t span = fit(rng_.between(min_span, max_span));
    controlled_accounts_pay(accounts, place(instance, span + 2 * kHourMs), span);
  }

  void wages_drained(uint32_t instance) {
    const uint8_t country = pick_country(kSubjectHomes, &rng_);
    const uint32_t worker = new_person(country);
    set_subject(worker);
    const uint32_t employer = new_organisation(country);
    const int64_t salary = usd(kWagesDrainedMinSalaryUsdCents, kWagesDrainedMaxSalaryUsdCents);
    const int64_t legs = rng_.between(1, 2);
    std::vector<int64_t> durations = {
        rng_.between(kWagesDrainedMinDelayMs, kWagesDrainedMaxDelayMs),
        legs > 1 ? rng_.between(10 * kMinuteMs, kWagesDrainedMaxGapMs) : 0, 1};
    const auto starts = phases(instance, &durations);
    add(starts[0], nexus::v1::CHANNEL_ACH, employer, worker, salary, kNarrativeSalary);
    // The last leg (abroad or cash) carries most of it: the rule wants that payment itself
    // to be at least half the salary.
    const int64_t drained =
        (salary * rng_.between(kWagesDrainedMinPermille, kWagesDrainedMaxPermille) + 999) / 1000;
    const int64_t last_leg =
        legs > 1 ? drained * rng_.between(kWagesDrainedMinLastLegPermille, 800) / 1000 : drained;
    const std::vector<int64_t> pieces = legs > 1
                                            ? std::vector<int64_t>{drained - last_leg, last_leg}
                                            : std::vector<int64_t>{drained};
    for (int64_t leg = 0; leg < legs; ++leg) {
      const int64_t t = leg == 0 ? starts[1] : starts[2];
      const int64_t amount = pieces[static_cast<size_t>(leg)];
      const bool last = leg + 1 == legs;
      if (last && rng_.chance_permille(500)) {
        cash(t, false, worker, amount, country, 500 + static_cast<uint32_t>(rng_.below(400)));
      } else if (last) {
        const uint32_t home = new_person_in(kWorkerHomes);  // the controller's account abroad
        TxRecord& r =
            add(t, rng_.chance_permille(500) ? nexus::v1::CHANNEL_MSB : nexus::v1::CHANNEL_WIRE,
                worker, home, amount, kNarrativeFamily);
        r.flags |= kWithDevice;
      } else {
        TxRecord& r = add(t, nexus::v1::CHANNEL_MOBILE_MONEY, worker, new_person(country), amount,
                          kNarrativeOwnAccount);
        r.flags |= kWithDevice;
      }
    }
  }

  void wages_pooled(uint32_t instance) {
    const uint8_t country = pick_country(kSubjectHomes, &rng_);
    const uint32_t controller = new_person(country);
    set_subject(controller);
    std::vector<uint32_t> employers;
    const int64_t employer_count = rng_.between(1, kWagesPooledMaxEmployers);
    for (int64_t e = 0; e < employer_count; ++e) employers.push_back(new_organisation(country));
    const int64_t count = rng_.between(kWagesPooledMinSalaries, kWagesPooledMaxSalaries);
    const int64_t span = fit(rng_.between(kWagesPooledMinSpanMs, kWagesPooledMaxSpanMs));
    size_t k = 0;
    for (int64_t t : spread(place(instance, span), span, count)) {
      add(t, nexus::v1::CHANNEL_ACH, employers[k++ % employers.size()], controller,
          usd(kWagesPooledMinUsdCents, kWagesPooledMaxUsdCents), kNarrativeSalary);
    }
  }

  void funnel_account(uint32_t instance) {
    const uint8_t country = pick_country(kSubjectHomes, &rng_);
    const uint32_t subject = new_person(country);
    set_subject(subject);
    const int64_t count = rng_.between(kFunnelMinDeposits, kFunnelMaxDeposits);
    const auto amounts =
        amounts_with_total(count, kFunnelMinUsdCents, kFunnelMaxUsdCents, kFunnelMinTotalUsdCents);
    int64_t total = 0;
    for (int64_t a : amounts) total += a;
    std::vector<int64_t> durations = {rng_.between(kFunnelMinSpanMs, kFunnelMaxSpanMs),
                                      rng_.between(kFunnelMinDelayMs, kFunnelMaxDelayMs), 1};
    const auto starts = phases(instance, &durations);
    const auto times = spread(starts[0], durations[0], count);
    // Branches 500 + 37k + jitter: distinct, and never a background one (1..400).
    for (size_t j = 0; j < times.size(); ++j) {
      cash(times[j], true, subject, amounts[j], country,
           static_cast<uint32_t>(500 + 37 * j + rng_.below(30)));
    }
    cash(starts[2], false, subject,
         total * rng_.between(kFunnelMinWithdrawPermille, kFunnelMaxWithdrawPermille) / 1000,
         country, 500 + static_cast<uint32_t>(rng_.below(400)));
  }

  void upkeep_rent(uint32_t instance) {
    const uint8_t country = pick_country(kSubjectHomes, &rng_);
    const uint32_t subject = new_person(country);
    set_subject(subject);
    const int64_t count = rng_.between(kUpkeepMinLandlords, kUpkeepMaxLandlords);
    const int64_t span = fit(rng_.between(kUpkeepMinSpanMs, kUpkeepMaxSpanMs));
    for (int64_t t : spread(place(instance, span), span, count)) {
      add(t, nexus::v1::CHANNEL_ACH, subject, new_person(country),
          usd(kUpkeepMinUsdCents, kUpkeepMaxUsdCents), kNarrativeRent);
    }
  }

  void recruitment_fees(uint32_t instance) {
    const uint32_t agency = new_organisation(pick_country(kAgencyHomes, &rng_));
    set_subject(agency);
    const int64_t count = rng_.between(kRecruitmentMinWorkers, kRecruitmentMaxWorkers);
    const int64_t span = fit(rng_.between(kRecruitmentMinSpanMs, kRecruitmentMaxSpanMs));
    for (int64_t t : spread(place(instance, span), span, count)) {
      const uint32_t worker = new_person_in(kWorkerHomes);
      static constexpr nexus::v1::Channel kChannels[] = {
          nexus::v1::CHANNEL_WIRE, nexus::v1::CHANNEL_MSB, nexus::v1::CHANNEL_MOBILE_MONEY};
      add(t, kChannels[rng_.below(3)], worker, agency,
          usd(kRecruitmentMinUsdCents, kRecruitmentMaxUsdCents),
          static_cast<uint8_t>(kNarrativeRecruitmentFirst + rng_.below(3)));
    }
  }

  // ---- terrorist financing ----

  void tf_narrative(uint32_t instance) {
    const uint32_t subject = new_person_in(kSubjectHomes);
    set_subject(subject);
    const uint32_t beneficiary = new_person_in(kAdjacentOnly);
    const int64_t count = rng_.between(1, kTfNarrativeMaxPayments);
    const int64_t span = fit(rng_.between(kHourMs, kTfNarrativeMaxSpanMs));
    static constexpr nexus::v1::Channel kChannels[] = {
        nexus::v1::CHANNEL_MSB, nexus::v1::CHANNEL_MOBILE_MONEY, nexus::v1::CHANNEL_HAWALA};
    for (int64_t t : spread(place(instance, span), span, count)) {
      add(t, kChannels[rng_.below(3)], subject, beneficiary,
          usd(kTfNarrativeMinUsdCents, kTfNarrativeMaxUsdCents),
          static_cast<uint8_t>(kNarrativeTerrorFirst + rng_.below(3)));
    }
  }

  void conflict_inbound(uint32_t instance) {
    const uint32_t subject = new_person_in(kSubjectHomes);
    set_subject(subject);
    const int64_t count = rng_.between(kConflictInboundMinTransfers, kConflictInboundMaxTransfers);
    const auto amounts =
        amounts_with_total(count, kConflictInboundMinUsdCents, kConflictInboundMaxUsdCents,
                           kConflictInboundMinTotalUsdCents);
    const int64_t span = fit(rng_.between(kConflictInboundMinSpanMs, kConflictInboundMaxSpanMs));
    const auto times = spread(place(instance, span), span, count);
    static constexpr nexus::v1::Channel kChannels[] = {
        nexus::v1::CHANNEL_WIRE, nexus::v1::CHANNEL_MSB, nexus::v1::CHANNEL_HAWALA};
    for (size_t j = 0; j < times.size(); ++j) {
      add(times[j], kChannels[rng_.below(3)], new_person_in(kConflictZones), subject, amounts[j],
          rng_.chance_permille(500) ? kNarrativeFamily : kNarrativeGoods);
    }
  }

  void ransom(uint32_t instance) {
    const uint32_t collector = new_person_in(kSubjectHomes);
    set_subject(collector);
    const uint8_t country = world_->profile(collector).country;
    const int64_t payers = rng_.between(kRansomMinPayers, kRansomMaxPayers);
    const auto amounts =
        amounts_with_total(payers, kRansomMinUsdCents, kRansomMaxUsdCents, kRansomMinTotalUsdCents);
    int64_t total = 0;
    for (int64_t a : amounts) total += a;
    std::vector<int64_t> durations = {rng_.between(kRansomMinCollectMs, kRansomMaxCollectMs),
                                      rng_.between(kRansomMinDelayMs, kRansomMaxDelayMs), 1};
    const auto starts = phases(instance, &durations);
    const auto times = spread(starts[0], durations[0], payers);
    for (size_t j = 0; j < times.size(); ++j) {
      // Relatives and friends, at home and abroad.
      const uint32_t payer =
          rng_.chance_permille(600) ? new_person(country) : new_person_in(kSubjectHomes);
      add(times[j], rng_.chance_permille(500) ? nexus::v1::CHANNEL_WIRE : nexus::v1::CHANNEL_ACH,
          payer, collector, amounts[j], kNarrativeFamily);
    }
    uint8_t destination = pick_country(kRansomDestinations, &rng_);
    TxRecord& r =
        add(starts[2], nexus::v1::CHANNEL_WIRE, collector, new_person(destination),
            (total * rng_.between(kRansomMinOutPermille, kRansomMaxOutPermille) + 999) / 1000,
            kNarrativeFamily);
    r.flags |= kWithDevice;
  }

  void msb_first_use(uint32_t instance) {
    const uint8_t country = pick_country(kSubjectHomes, &rng_);
    const uint32_t subject = new_person(country);
    set_subject(subject);
    const int64_t history = rng_.between(kMsbFirstMinHistory, kMsbFirstMaxHistory);
    const int64_t span = fit(rng_.between(kDayMs, kMsbFirstMaxSpanMs));
    const auto times = spread(place(instance, span), span, history + 1);
    for (int64_t k = 0; k < history; ++k) {
      card(times[static_cast<size_t>(k)], subject, pick_merchant(population_, country, &rng_),
           usd(1'000, 15'000));
    }
    add(times.back(),
        rng_.chance_permille(600) ? nexus::v1::CHANNEL_MSB : nexus::v1::CHANNEL_HAWALA, subject,
        new_person_in(kConflictAdjacent), usd(kMsbFirstMinUsdCents, kMsbFirstMaxUsdCents),
        rng_.chance_permille(500) ? kNarrativeFamily : kNarrativeMedical);
  }

  void prepaid_abroad(uint32_t instance) {
    const uint32_t subject = new_person_in(kSubjectHomes);
    set_subject(subject);
    const uint8_t abroad = pick_country(kTransit, &rng_);
    std::vector<uint32_t> shops;
    for (int k = 0; k < 2; ++k) {
      static constexpr int kShops[] = {kCategoryMarket, kCategoryHotel, 9 /* telecom */,
                                       6 /* electronics */};
      shops.push_back(world_->add_profile(abroad, true, kShops[rng_.below(4)]));
    }
    const int64_t count = rng_.between(kPrepaidMinPayments, kPrepaidMaxPayments);
    const auto amounts = amounts_with_total(count, kPrepaidMinUsdCents, kPrepaidMaxUsdCents,
                                            kPrepaidMinTotalUsdCents);
    const int64_t span = fit(rng_.between(kPrepaidMinSpanMs, kPrepaidMaxSpanMs));
    const auto times = spread(place(instance, span), span, count);
    for (size_t j = 0; j < times.size(); ++j) {
      card(times[j], subject, shops[j % shops.size()], amounts[j], nexus::v1::CHANNEL_PREPAID_CARD);
    }
  }

  void cash_near_conflict(uint32_t instance) {
    const uint32_t subject = new_person_in(kSubjectHomes);
    set_subject(subject);
    const uint8_t abroad = pick_country(kTransit, &rng_);
    const int64_t count = rng_.between(kCashNearMinWithdrawals, kCashNearMaxWithdrawals);
    const auto amounts = amounts_with_total(count, kCashNearMinUsdCents, kCashNearMaxUsdCents,
                                            kCashNearMinTotalUsdCents);
    const int64_t span = fit(rng_.between(kCashNearMinSpanMs, kCashNearMaxSpanMs));
    const auto times = spread(place(instance, span), span, count);
    for (size_t j = 0; j < times.size(); ++j) {
      cash(times[j], false, subject, amounts[j], abroad,
           500 + static_cast<uint32_t>(rng_.below(400)));
    }
  }

  void npo_to_conflict(uint32_t instance) {
    const uint32_t npo = new_organisation(pick_country(kSubjectHomes, &rng_));
    set_subject(npo);
    const int64_t donors = rng_.between(kNpoMinDonors, kNpoMaxDonors);
    const int64_t transfers = rng_.between(1, kNpoMaxTransfers);
    std::vector<int64_t> durations = {rng_.between(kNpoMinCollectMs, kNpoMaxCollectMs),
                                      rng_.between(kHourMs, kNpoMaxDelayMs),
                                      rng_.between(kHourMs, kNpoMaxDelayMs), 1};
    const auto starts = phases(instance, &durations);
    std::vector<uint32_t> chosen;
    for (int64_t t : spread(starts[0], durations[0], donors)) {
      uint32_t donor = kNone;
      for (int attempt = 0; attempt < 64 && donor == kNone; ++attempt) {
        const uint32_t c = static_cast<uint32_t>(rng_.below(population_.customer_count));
        if (std::find(chosen.begin(), chosen.end(), c) == chosen.end()) donor = c;
      }
      if (donor == kNone) donor = new_person_in(kSubjectHomes);
      chosen.push_back(donor);
      static constexpr nexus::v1::Channel kChannels[] = {
          nexus::v1::CHANNEL_ACH, nexus::v1::CHANNEL_MOBILE_MONEY, nexus::v1::CHANNEL_WIRE};
      add(t, kChannels[rng_.below(3)], donor, npo,
          usd(kNpoMinDonationUsdCents, kNpoMaxDonationUsdCents),
          rng_.chance_permille(500) ? kNarrativeRelief : kNarrativeDonation);
    }
    const uint32_t partner = rng_.chance_permille(500)
                                 ? new_organisation(pick_country(kConflictZones, &rng_))
                                 : new_person_in(kConflictZones);
    for (int64_t k = 0; k < transfers; ++k) {
      add(starts[static_cast<size_t>(1 + k)], nexus::v1::CHANNEL_WIRE, npo, partner,
          usd(kNpoMinTransferUsdCents, kNpoMaxTransferUsdCents), kNarrativeRelief);
    }
  }

  void cash_to_corridor(uint32_t instance) {
    const uint8_t country = pick_country(kSubjectHomes, &rng_);
    const uint32_t subject = new_person(country);
    set_subject(subject);
    const int64_t count = rng_.between(kCashCorridorMinDeposits, kCashCorridorMaxDeposits);
    const auto amounts = amounts_with_total(
        count, kCashCorridorMinUsdCents, kCashCorridorMaxUsdCents, kCashCorridorMinTotalUsdCents);
    int64_t total = 0;
    for (int64_t a : amounts) total += a;
    std::vector<int64_t> durations = {
        rng_.between(kHourMs, kCashCorridorMaxSpanMs),
        rng_.between(kCashCorridorMinDelayMs, kCashCorridorMaxDelayMs), 1};
    const auto starts = phases(instance, &durations);
    const auto times = spread(starts[0], durations[0], count);
    const uint32_t branch = 500 + static_cast<uint32_t>(rng_.below(400));
    for (size_t j = 0; j < times.size(); ++j) {
      cash(times[j], true, subject, amounts[j], country, branch);
    }
    static constexpr nexus::v1::Channel kChannels[] = {
        nexus::v1::CHANNEL_WIRE, nexus::v1::CHANNEL_MSB, nexus::v1::CHANNEL_HAWALA};
    add(starts[2], kChannels[rng_.below(3)], subject, new_person_in(kConflictAdjacent),
        total * rng_.between(kCashCorridorMinPermille, kCashCorridorMaxPermille) / 1000,
        rng_.chance_permille(500) ? kNarrativeFamily : kNarrativeGoods);
  }

  // ---- nexus ----

  // A trafficker of a diaspora or hub country with its trafficking flag raised
  // from `start` over `span`; returns the time of the flag's last payment.
  int64_t flagged_trafficker(uint32_t subject, int64_t start, int64_t span) {
    return raise_trafficking_flag(subject, start, span, rng_.chance_permille(500));
  }

  void nx_funds_to_tf(uint32_t instance) {
    const uint32_t trafficker = new_person_in(kSubjectHomes);
    set_subject(trafficker);
    std::vector<int64_t> durations = {rng_.between(3 * kDayMs, kNexusFlagMaxSpanMs),
                                      rng_.between(kNexusMinDelayMs, kNexusMaxDelayMs), 1};
    const auto starts = phases(instance, &durations);
    const int64_t flagged = flagged_trafficker(trafficker, starts[0], durations[0]);
    // The hub is flagged by TF-CONFLICT-INBOUND inside the same phase.
    const uint32_t hub = new_person_in(kHubHomes);
    const int64_t legs = rng_.between(2, 3);
    const auto amounts =
        amounts_with_total(legs, kNexusHubMinInboundUsdCents / 3, kNexusHubMaxInboundUsdCents / 2,
                           kNexusHubMinInboundUsdCents);
    int64_t hub_flagged = starts[0];
    for (size_t j = 0; j < amounts.size(); ++j) {
      const int64_t t = starts[0] + rng_.between(0, durations[0]);
      hub_flagged = std::max(hub_flagged, t);
      add(t, nexus::v1::CHANNEL_WIRE, new_person_in(kConflictZones), hub, amounts[j],
          kNarrativeGoods);
    }
    const int64_t pay = std::max(flagged, hub_flagged) + std::max<int64_t>(durations[1], kMinuteMs);
    TxRecord& r = add(clamp_time(pay), nexus::v1::CHANNEL_WIRE, trafficker, hub,
                      usd(kNexusPaymentMinUsdCents, kNexusPaymentMaxUsdCents), kNarrativeGoods);
    r.flags |= kWithDevice;
  }

  void nx_pays_listed(uint32_t instance) {
    const uint32_t trafficker = new_person_in(kSubjectHomes);
    set_subject(trafficker);
    std::vector<int64_t> durations = {rng_.between(3 * kDayMs, kNexusFlagMaxSpanMs),
                                      rng_.between(kNexusMinDelayMs, kNexusMaxDelayMs), 1};
    const auto starts = phases(instance, &durations);
    const int64_t flagged = flagged_trafficker(trafficker, starts[0], durations[0]);
    const uint32_t listed = new_organisation(country_index("IQ"));
    world_->mutable_profile(listed).name = kListedParties[rng_.below(std::size(kListedParties))];
    TxRecord& r = add(clamp_time(flagged + std::max<int64_t>(durations[1], kMinuteMs)),
                      nexus::v1::CHANNEL_WIRE, trafficker, listed,
                      usd(kNexusListedMinUsdCents, kNexusListedMaxUsdCents), kNarrativeGoods);
    r.flags |= kWithDevice;
  }

  void nx_proceeds_to_corridor(uint32_t instance) {
    const uint32_t trafficker = new_person_in(kSubjectHomes);
    set_subject(trafficker);
    std::vector<int64_t> durations = {rng_.between(3 * kDayMs, kNexusFlagMaxSpanMs),
                                      rng_.between(kNexusMinDelayMs, kNexusMaxDelayMs), 1};
    const auto starts = phases(instance, &durations);
    const int64_t flagged = flagged_trafficker(trafficker, starts[0], durations[0]);
    static constexpr nexus::v1::Channel kChannels[] = {
        nexus::v1::CHANNEL_MSB, nexus::v1::CHANNEL_WIRE, nexus::v1::CHANNEL_MOBILE_MONEY};
    TxRecord& r = add(clamp_time(flagged + std::max<int64_t>(durations[1], kMinuteMs)),
                      kChannels[rng_.below(3)], trafficker, new_person_in(kAdjacentOnly),
                      usd(kNexusCorridorMinUsdCents, kNexusCorridorMaxUsdCents), kNarrativeFamily);
    r.flags |= kWithDevice;
  }

  void nx_persons_sale(uint32_t instance) {
    // From a conflict zone to a neighbour, or from the diaspora into the region.
    uint32_t from, to;
    if (rng_.chance_permille(500)) {
      from = new_person_in(kConflictZones);
      to = new_person_in(kTransit);
    } else {
      from = new_person_in(kSubjectHomes);
      to = new_person_in(kConflictAdjacent);
    }
    set_subject(from);
    static constexpr nexus::v1::Channel kChannels[] = {
        nexus::v1::CHANNEL_HAWALA, nexus::v1::CHANNEL_MSB, nexus::v1::CHANNEL_WIRE};
    add(place(instance, 0), kChannels[rng_.below(3)], from, to,
        usd(kPersonsSaleMinUsdCents, kPersonsSaleMaxUsdCents),
        static_cast<uint8_t>(kNarrativePersonsSaleFirst + rng_.below(3)));
  }

  void nx_combined(uint32_t instance) {
    const uint32_t trafficker = new_person_in(kSubjectHomes);
    set_subject(trafficker);
    std::vector<int64_t> durations = {rng_.between(3 * kDayMs, kNexusFlagMaxSpanMs),
                                      rng_.between(kNexusMinDelayMs, kNexusMaxDelayMs), 1};
    const auto starts = phases(instance, &durations);
    const int64_t flagged = flagged_trafficker(trafficker, starts[0], durations[0]);
    add(clamp_time(flagged + std::max<int64_t>(durations[1], kMinuteMs)),
        rng_.chance_permille(500) ? nexus::v1::CHANNEL_HAWALA : nexus::v1::CHANNEL_MSB, trafficker,
        new_person_in(kConflictZones), usd(kNexusCombinedMinUsdCents, kNexusCombinedMaxUsdCents),
        static_cast<uint8_t>(kNarrativeTerrorFirst + rng_.below(3)));
  }

  // ---- money-flow networks ----

  // `count` new persons of `country`.
  std::vector<uint32_t> new_persons(uint8_t country, int64_t count) {
    std::vector<uint32_t> out;
    for (int64_t k = 0; k < count; ++k) out.push_back(new_person(country));
    return out;
  }

  void fan_in_ring(uint32_t instance) {
    const uint8_t country = pick_country(kSubjectHomes, &rng_);
    const uint32_t collector = new_person(country);
    set_subject(collector);
    const int64_t senders = rng_.between(kFanInMinSenders, kFanInMaxSenders);
    const int64_t span = fit(rng_.between(kFanInMinSpanMs, kFanInMaxSpanMs));
    for (int64_t t : spread(place(instance, span), span, senders)) {
      TxRecord& r = add(
          t, rng_.chance_permille(500) ? nexus::v1::CHANNEL_MOBILE_MONEY : nexus::v1::CHANNEL_ACH,
          new_person(country), collector, usd(kFanInMinUsdCents, kFanInMaxUsdCents),
          rng_.chance_permille(500) ? kNarrativeShared : kNarrativeGift);
      if (r.channel == nexus::v1::CHANNEL_MOBILE_MONEY) r.flags |= kWithDevice;
    }
  }

  void fan_out(uint32_t instance) {
    const uint8_t country = pick_country(kSubjectHomes, &rng_);
    const uint32_t payer = new_person(country);
    set_subject(payer);
    const int64_t receivers = rng_.between(kFanOutMinReceivers, kFanOutMaxReceivers);
    const int64_t span = fit(rng_.between(kFanOutMinSpanMs, kFanOutMaxSpanMs));
    for (int64_t t : spread(place(instance, span), span, receivers)) {
      TxRecord& r = add(
          t, rng_.chance_permille(500) ? nexus::v1::CHANNEL_MOBILE_MONEY : nexus::v1::CHANNEL_ACH,
          payer, new_person(country), usd(kFanOutMinUsdCents, kFanOutMaxUsdCents), kNarrativeNone);
      r.flags |= kWithDevice;
    }
  }

  void cycle(uint32_t instance) {
    const uint8_t country = pick_country(kSubjectHomes, &rng_);
    const int64_t hops = rng_.between(kCycleMinHops, kCycleMaxHops);
    const std::vector<uint32_t> ring = new_persons(country, hops);
    set_subject(ring[0]);
    std::vector<int64_t> durations;
    for (int64_t h = 0; h < hops; ++h)
      durations.push_back(rng_.between(kCycleMinGapMs, kCycleMaxGapMs));
    const auto starts = phases(instance, &durations);
    int64_t amount = usd(kCycleMinUsdCents, kCycleMaxUsdCents);
    for (int64_t h = 0; h < hops; ++h) {
      const uint32_t from = ring[static_cast<size_t>(h)];
      const uint32_t to = ring[static_cast<size_t>((h + 1) % hops)];
      const int64_t t = h + 1 < hops ? starts[static_cast<size_t>(h)]
                                     : clamp_time(starts.back() + durations.back());
      add(t, rng_.chance_permille(500) ? nexus::v1::CHANNEL_WIRE : nexus::v1::CHANNEL_ACH, from, to,
          amount, rng_.chance_permille(500) ? kNarrativeLoan : kNarrativeInvoice);
      amount = std::max<int64_t>(100'000, amount * rng_.between(950, 990) / 1000);
    }
  }

  void scatter_gather(uint32_t instance) {
    const uint8_t country = pick_country(kSubjectHomes, &rng_);
    const uint32_t source = new_person(country);
    const uint32_t sink = new_person(country);
    set_subject(sink);
    const int64_t count = rng_.between(kScatterMinIntermediates, kScatterMaxIntermediates);
    std::vector<int64_t> durations = {rng_.between(kHourMs, kScatterMaxSpreadMs),
                                      kScatterMaxDelayMs, 1};
    const auto starts = phases(instance, &durations);
    const int64_t max_delay = std::max<int64_t>(durations[1], kMinuteMs);
    const auto times = spread(starts[0], durations[0], count);
    for (int64_t t : times) {
      const uint32_t middle = new_person(country);
      const int64_t amount = usd(kScatterMinUsdCents, kScatterMaxUsdCents);
      add(t, nexus::v1::CHANNEL_WIRE, source, middle, amount, kNarrativeInvoice);
      const int64_t delay = rng_.between(std::min(kScatterMinDelayMs, max_delay), max_delay);
      add(clamp_time(t + delay),
          rng_.chance_permille(500) ? nexus::v1::CHANNEL_WIRE : nexus::v1::CHANNEL_ACH, middle,
          sink, amount * rng_.between(850, 980) / 1000, kNarrativeInvoice);
    }
  }

  void gather_scatter(uint32_t instance) {
    const uint8_t country = pick_country(kSubjectHomes, &rng_);
    const uint32_t hub = new_person(country);
    set_subject(hub);
    const int64_t senders = rng_.between(kGatherMinParties, kGatherMaxParties);
    const int64_t receivers = rng_.between(kGatherMinParties, kGatherMaxParties);
    std::vector<int64_t> durations = {rng_.between(kGatherMinSpanMs, kGatherMaxSpanMs),
                                      rng_.between(kGatherMinDelayMs, kGatherMaxDelayMs),
                                      rng_.between(kScatterOutMinSpanMs, kScatterOutMaxSpanMs)};
    const auto starts = phases(instance, &durations);
    for (int64_t t : spread(starts[0], durations[0], senders)) {
      add(t, rng_.chance_permille(500) ? nexus::v1::CHANNEL_MOBILE_MONEY : nexus::v1::CHANNEL_ACH,
          new_person(country), hub, usd(kGatherInMinUsdCents, kGatherInMaxUsdCents),
          kNarrativeShared);
    }
    for (int64_t t : spread(starts[2], durations[2], receivers)) {
      TxRecord& r = add(
          clamp_time(t),
          rng_.chance_permille(500) ? nexus::v1::CHANNEL_MOBILE_MONEY : nexus::v1::CHANNEL_ACH, hub,
          new_person(country), usd(kGatherOutMinUsdCents, kGatherOutMaxUsdCents), kNarrativeNone);
      r.flags |= kWithDevice;
    }
  }

  void mule_chain(uint32_t instance) {
    const uint8_t country = pick_country(kSubjectHomes, &rng_);
    const int64_t hops = rng_.between(kMuleMinHops, kMuleMaxHops);
    // origin, hops - 1 mules, the cash-out account.
    const std::vector<uint32_t> chain = new_persons(country, hops + 1);
    set_subject(chain.back());
    std::vector<int64_t> durations;
    for (int64_t h = 0; h + 1 < hops; ++h) {
      durations.push_back(rng_.between(kMuleMinDwellMs, kMuleMaxDwellMs));
    }
    durations.push_back(1);
    const auto starts = phases(instance, &durations);
    int64_t amount = usd(kMuleMinUsdCents, kMuleMaxUsdCents);
    for (int64_t h = 0; h < hops; ++h) {
      static constexpr nexus::v1::Channel kLater[] = {
          nexus::v1::CHANNEL_MOBILE_MONEY, nexus::v1::CHANNEL_ACH, nexus::v1::CHANNEL_WIRE};
      const auto channel =
          h == 0 ? (rng_.chance_permille(500) ? nexus::v1::CHANNEL_WIRE : nexus::v1::CHANNEL_ACH)
                 : kLater[rng_.below(3)];
      TxRecord& r = add(starts[static_cast<size_t>(h)], channel, chain[static_cast<size_t>(h)],
                        chain[static_cast<size_t>(h + 1)], amount,
                        h == 0 ? kNarrativeInvoice : kNarrativeOwnAccount);
      if (h > 0) r.flags |= kWithDevice;
      amount = std::max<int64_t>(100'000,
                                 amount * rng_.between(kMuleMinPermille, kMuleMaxPermille) / 1000);
    }
  }

  void sanctions_exposure(uint32_t instance) {
    const uint8_t country = pick_country(kSubjectHomes, &rng_);
    const uint32_t payer = new_person(country);
    set_subject(payer);
    std::vector<int64_t> durations = {rng_.between(kNexusMinDelayMs, kNexusMaxDelayMs), 1};
    const auto starts = phases(instance, &durations);
    const uint32_t listed = new_organisation(country_index("IQ"));
    world_->mutable_profile(listed).name = kListedParties[rng_.below(std::size(kListedParties))];
    TxRecord& r = add(starts[0], nexus::v1::CHANNEL_WIRE, payer, listed,
                      usd(kExposureListedMinUsdCents, kExposureListedMaxUsdCents), kNarrativeGoods);
    r.flags |= kWithDevice;
    add(clamp_time(starts[0] + std::max<int64_t>(durations[0], kMinuteMs)),
        rng_.chance_permille(500) ? nexus::v1::CHANNEL_WIRE : nexus::v1::CHANNEL_ACH, payer,
        new_person(country), usd(kExposureNextMinUsdCents, kExposureNextMaxUsdCents),
        kNarrativeInvoice);
  }

  void trafficking_money_to_corridor(uint32_t instance) {
    const uint8_t country = pick_country(kSubjectHomes, &rng_);
    const uint32_t trafficker = new_person(country);
    const uint32_t mule = new_person(country);
    set_subject(mule);
    std::vector<int64_t> durations = {
        rng_.between(3 * kDayMs, kNexusFlagMaxSpanMs),
        rng_.between(kNexusMinDelayMs, kNexusMaxDelayMs),
        rng_.between(kTraffickingMinRemitDelayMs, kTraffickingMaxRemitDelayMs), 1};
    const auto starts = phases(instance, &durations);
    const int64_t flagged = flagged_trafficker(trafficker, starts[0], durations[0]);
    const int64_t paid = clamp_time(flagged + std::max<int64_t>(durations[1], kMinuteMs));
    const int64_t amount = usd(kTraffickingMuleMinUsdCents, kTraffickingMuleMaxUsdCents);
    add(paid, rng_.chance_permille(500) ? nexus::v1::CHANNEL_WIRE : nexus::v1::CHANNEL_ACH,
        trafficker, mule, amount, kNarrativeGift);
    static constexpr nexus::v1::Channel kChannels[] = {
        nexus::v1::CHANNEL_MSB, nexus::v1::CHANNEL_MOBILE_MONEY, nexus::v1::CHANNEL_WIRE};
    TxRecord& r = add(
        clamp_time(paid + std::max<int64_t>(durations[2], kMinuteMs)), kChannels[rng_.below(3)],
        mule, new_person_in(kAdjacentOnly),
        amount * rng_.between(kTraffickingRemitMinPermille, kTraffickingRemitMaxPermille) / 1000,
        kNarrativeFamily);
    r.flags |= kWithDevice;
  }

  void controller_cluster(uint32_t instance) {
    const uint8_t country = pick_country(kSubjectHomes, &rng_);
    const int64_t count = rng_.between(kControllerMinAccounts, kControllerMaxAccounts);
    // Accounts in distinct names (new persons until the names differ).
    std::vector<uint32_t> accounts;
    std::set<std::string> names;
    for (int attempt = 0; attempt < 64 && static_cast<int64_t>(accounts.size()) < count;
         ++attempt) {
      const uint32_t a = new_person(country);
      if (names.insert(world_->profile(a).name).second) accounts.push_back(a);
    }
    const bool by_phone = rng_.chance_permille(500);
    const Profile& controller = world_->profile(accounts[0]);
    const std::string phone = controller.phone;
    const std::string device = controller.device_id;
    for (uint32_t a : accounts) {
      if (by_phone) {
        world_->mutable_profile(a).phone = phone;
      } else {
        world_->mutable_profile(a).device_id = device;
      }
    }
    // The sixth account's first payment makes the cluster six accounts.
    set_subject(accounts[static_cast<size_t>(kControllerMinAccounts - 1)]);
    const int64_t span = fit(rng_.between(kSharedPhoneMinSpanMs, kSharedPhoneMaxSpanMs));
    controlled_accounts_pay(accounts, place(instance, span + 2 * kHourMs), span);
  }

  // Keeps a time inside the span (one-day spans squeeze the phases).
  int64_t clamp_time(int64_t t) const { return std::min(t, config_.start_time_ms + span_ms() - 1); }

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
