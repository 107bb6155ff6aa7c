// Background traffic: the ordinary retail and business payments that planted
// scenarios hide in. Population is built once; each day is generated from its
// own random stream, so days are independent of each other and of the
// scenarios. Not thread-safe (one generate() call owns everything).
#pragma once

#include "generator/detail/tx_record.hpp"
#include "generator/detail/world.hpp"
#include "generator/generator.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace nexus::generator::detail {

inline constexpr uint32_t kNone = 0xFFFF'FFFF;

/// Who exists in the background and how active they are.
struct Population {
  uint32_t customer_count = 0;     // customers are World profiles [0, customer_count)
  std::vector<uint32_t> activity;  // customer indexes, each repeated by its activity weight
  std::vector<std::vector<uint32_t>> customers_by_country;      // by kCountries index
  std::vector<std::vector<uint32_t>> persons_by_country;        // persons only, by index
  std::vector<std::vector<uint32_t>> organisations_by_country;  // customer organisations, by index
  std::vector<uint32_t> organisations;  // all customer organisations, by index
  // Per customer: the person's circle of friends and family (mutual, same country,
  // a household partner first), at most kMaxContacts; organisations have none.
  static constexpr size_t kMaxContacts = 6;
  std::vector<std::array<uint32_t, kMaxContacts>> contacts;
  std::vector<uint8_t> contact_count;
  std::vector<uint32_t> merchants;  // local (not online) merchants of every category
  std::vector<std::vector<uint32_t>> merchants_by_category;  // by kMerchantCategories index
  // [country][category]: local merchants of that category in that country.
  std::vector<std::vector<std::vector<uint32_t>>> local_merchants;
  std::vector<uint32_t> remitters;        // customers who send money abroad to family
  std::vector<uint32_t> remit_recipient;  // per customer: recipient profile or kNone
  // Per customer: employer (an organisation customer of the same country) or
  // kNone, landlord or kNone, monthly salary and rent in US cents, and the two
  // branches where the customer handles cash.
  std::vector<uint32_t> employer;
  std::vector<uint32_t> landlord;
  std::vector<int64_t> salary_usd_cents;
  std::vector<int64_t> rent_usd_cents;
  std::vector<std::array<uint16_t, 2>> home_branches;
  // By day of month (1-28): employees paid that day, tenants paying rent that day.
  std::array<std::vector<uint32_t>, 29> paid_on;
  std::array<std::vector<uint32_t>, 29> rent_on;
};

/// Adds customers, merchants and remittance recipients to `world`.
Population build_population(const GeneratorConfig& config, World* world);

/// Appends `count` background records of day `day` (0-based) to `out`, with
/// seq numbers from `first_seq` on: first the day's scheduled payments
/// (salaries on the employer's payday, rent on the tenant's rent day; cut at
/// `count`), then random ones. Deterministic in (config.seed, day).
void generate_background_day(const GeneratorConfig& config, const World& world,
                             const Population& population, uint32_t day, uint64_t count,
                             uint64_t first_seq, std::vector<TxRecord>* out);

/// Background transactions per day, summing to `total`; weekends are quieter.
std::vector<uint64_t> background_counts_per_day(const GeneratorConfig& config, uint64_t total);

/// Day of month (1-31) of day `day` of the span.
uint32_t day_of_month(const GeneratorConfig& config, uint32_t day);

/// A card or prepaid merchant for a payer living in `country`: category by
/// spending share, mostly domestic.
uint32_t pick_merchant(const Population& population, uint8_t country, Rng* rng);

/// UTC milliseconds of a random moment of day `day` that follows the daily
/// rhythm (few payments at night) in local time `utc_offset_h`.
int64_t rhythm_time_ms(const GeneratorConfig& config, uint32_t day, int utc_offset_h, Rng* rng);

}  // namespace nexus::generator::detail
