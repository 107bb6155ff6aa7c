#include "generator/detail/background.hpp"

#include <algorithm>
#include <array>

namespace nexus::generator::detail {
namespace {

using nexus::v1::Channel;

// Background channel mix and amount shape. Amounts are log-normal-like in USD:
// median * 2^(sigma * Z), sigma in log2 units Q8 (256 = a factor of 2 per sd),
// then capped and converted into the payer's currency.
struct ChannelMix {
  Channel channel;
  uint32_t permille;         // share of background transactions
  int64_t median_usd_cents;  // median amount
  int64_t sigma_log2_q8;     // spread
  int64_t max_usd_cents;     // hard cap
};
constexpr std::array<ChannelMix, 11> kChannelMix = {{
    {nexus::v1::CHANNEL_CARD, 340, 3'500, 360, 500'000},
    {nexus::v1::CHANNEL_ACH, 170, 25'000, 400, 2'000'000},
    {nexus::v1::CHANNEL_WIRE, 80, 90'000, 410, 50'000'000},
    {nexus::v1::CHANNEL_CASH_DEPOSIT, 60, 30'000, 384, 2'500'000},
    {nexus::v1::CHANNEL_CASH_WITHDRAWAL, 80, 12'000, 300, 500'000},
    {nexus::v1::CHANNEL_MOBILE_MONEY, 120, 2'500, 384, 300'000},
    {nexus::v1::CHANNEL_MSB, 45, 25'000, 256, 750'000},
    {nexus::v1::CHANNEL_PREPAID_CARD, 45, 5'000, 300, 100'000},
    {nexus::v1::CHANNEL_CHEQUE, 45, 40'000, 384, 2'000'000},
    {nexus::v1::CHANNEL_HAWALA, 5, 30'000, 256, 300'000},
    {nexus::v1::CHANNEL_CRYPTO, 10, 20'000, 512, 2'000'000},
}};

// Background remittances to conflict zones stay small, as family support does
// (and far below TF-CONFLICT-CORRIDOR's 10,000 USD per 30 days).
constexpr int64_t kConflictZoneRemittanceMaxUsdCents = 150'000;

// Share of customers that are organisations, and of cross-border wires.
constexpr uint32_t kOrganizationPermille = 120;
constexpr uint32_t kCrossBorderWirePermille = 200;
// Share of persons in remittance-sending countries who send money home.
constexpr uint32_t kRemitterPermille = 150;
// One merchant per this many customers, per category and country (at least one
// of each category in each home country): keeps each merchant's daily distinct
// payers low (well under TF-CROWDFUND-FANIN's 20).
constexpr uint32_t kCustomersPerMerchant = 25;
constexpr int kOnlineSitesPerCategory = 5;
// Employment and housing: share of persons with an employer (an organisation
// customer of their country, at most kMaxEmployees each) and of persons renting
// from a landlord of their country (a person, or an organisation 30 % of the time).
constexpr uint32_t kEmployedPermille = 650;
constexpr uint32_t kMaxEmployees = 15;  // payroll stays far below 20 payments an hour
constexpr uint32_t kTenantPermille = 400;
constexpr uint32_t kCorporateLandlordPermille = 300;
// Monthly salary and rent, USD: log-normal medians and spreads, bounds. Rent of
// an employed tenant is at most kMaxRentPermilleOfSalary of the salary.
constexpr int64_t kSalaryMedianUsdCents = 320'000;
constexpr int64_t kSalarySigmaLog2Q8 = 128;
constexpr int64_t kSalaryMinUsdCents = 80'000;
constexpr int64_t kSalaryMaxUsdCents = 2'000'000;
constexpr int64_t kRentMedianUsdCents = 110'000;
constexpr int64_t kRentSigmaLog2Q8 = 100;
constexpr int64_t kRentMinUsdCents = 30'000;
constexpr int64_t kRentMaxUsdCents = 600'000;
constexpr int64_t kMaxRentPermilleOfSalary = 450;
// A person's other transfers (not card spending, not rent) stay within this
// share of the monthly salary (of the median salary for persons without one):
// nobody sends on their whole pay cheque in one ordinary payment.
constexpr int64_t kPersonalTransferMaxPermilleOfIncome = 350;
// Paydays (day of month) by weight; rent is due on day 1-5.
constexpr std::array<uint32_t, 4> kPaydays = {25, 28, 1, 15};
constexpr std::array<uint32_t, 4> kPaydayWeights = {40, 20, 25, 15};
constexpr uint32_t kLastRentDay = 5;
// Cash: bank branches per country, and where a customer handles cash: the first
// home branch 80 %, the second 15 %, anywhere else in the country 5 %.
constexpr uint32_t kBranchesPerCountry = 400;
constexpr uint32_t kFirstBranchPermille = 800;
constexpr uint32_t kSecondBranchPermille = 150;
// Households: this share of persons moves in with an earlier single person of
// their country (same address and last name; partners are each other's contact).
constexpr uint32_t kHouseholdPermille = 150;
// Friends and family: each person adds 1-3 mutual contacts of their country
// (degree capped at Population::kMaxContacts), a sparse random graph, so that
// money among friends rarely closes a loop of three or more accounts.
constexpr int64_t kMinNewContacts = 1;
constexpr int64_t kMaxNewContacts = 3;
// A person landlord lets to at most this many tenants (small landlords).
constexpr uint32_t kMaxTenantsPerPersonLandlord = 2;
// Person-to-person ACH / mobile money / cheque go to a contact this often (the
// rest are bills to local billers); domestic wires of persons go to a contact
// (family help, loans) this often (the rest are invoices to billers).
constexpr uint32_t kContactTransferPermille = 650;
constexpr uint32_t kContactWirePermille = 500;
// Organisations' ACH / mobile money / cheque go to a supplier this often (the rest
// are contractor fees to persons). Suppliers have a higher profile index than the
// payer (supply chains run one way), so business payments never close a loop.
constexpr uint32_t kSupplierPermille = 550;
// Of those supplier payments, the share to a customer organisation (the rest go to
// outside suppliers, billers that never pay on), and the window of the chain.
constexpr uint32_t kCustomerSupplierPermille = 250;
constexpr uint64_t kSupplierWindow = 40;
// Contractor fees go to one of a few freelancers per organisation.
constexpr uint64_t kContractorsPerOrganisation = 4;
// Amounts among friends and family: gifts, dinners and shared bills are small;
// family help by wire is larger. Median, spread (log2 Q8) and cap, USD.
constexpr int64_t kContactMedianUsdCents[3] = {9'000, 3'000, 12'000};  // ach, mobile, cheque
constexpr int64_t kContactSigmaLog2Q8 = 300;
constexpr int64_t kContactMaxUsdCents = 250'000;
constexpr int64_t kContactWireMedianUsdCents = 30'000;
constexpr int64_t kContactWireSigmaLog2Q8 = 300;
// Merchant categories paid by transfer as well as by card (bills, store credit,
// invoices): the everyday ones of kMerchantCategories (not lodging, travel, adult ads).
constexpr std::array<size_t, 11> kBillerCategories = {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11};
// Family remittances to conflict-adjacent countries outside the conflict zones
// stay below TF-MSB-FIRST-USE's 3,000 USD.
constexpr int64_t kConflictAdjacentRemittanceMaxUsdCents = 250'000;
// Card and prepaid spending at a merchant abroad (e-commerce, travel).
constexpr uint32_t kDomesticMerchantPermille = 900;
// Weekend days carry 7/10 of a weekday's volume.
constexpr uint64_t kWeekendWeight = 7;
constexpr uint64_t kWeekdayWeight = 10;

// Payments per local hour of day, relative.
constexpr std::array<uint32_t, 24> kHourWeights = {2,  1,  1,  1,  1,  2,  4,  7,  10, 12, 13, 13,
                                                   13, 13, 12, 12, 12, 12, 11, 10, 8,  6,  4,  3};

struct Destination {
  const char* country;
  uint32_t weight;
};
// Where remitters' families live. Conflict zones and their neighbours get a
// small share, as real diaspora corridors do.
constexpr std::array<Destination, 18> kRemittanceDestinations = {{
    {"IN", 14},
    {"PK", 12},
    {"NG", 10},
    {"KE", 6},
    {"PH", 12},
    {"MX", 14},
    {"TR", 6},
    {"EG", 6},
    {"SY", 3},
    {"IQ", 3},
    {"AF", 3},
    {"YE", 2},
    {"SO", 3},
    {"LY", 1},
    {"ML", 1},
    {"LB", 2},
    {"JO", 2},
    {"CM", 1},
}};

constexpr std::array<const char*, 11> kRemittanceSenders = {"US", "GB", "DE", "FR", "NL", "AE",
                                                            "CA", "ES", "IT", "KW", "SA"};
constexpr std::array<const char*, 7> kConflictZones = {"SY", "IQ", "AF", "YE", "SO", "LY", "ML"};
constexpr std::array<const char*, 15> kConflictAdjacent = {
    "SY", "IQ", "AF", "YE", "SO", "LY", "ML", "NG", "NE", "TD", "CM", "BF", "TR", "LB", "JO"};

bool in_list(const char* code, const auto& list) {
  for (const char* c : list) {
    if (c[0] == code[0] && c[1] == code[1]) return true;
  }
  return false;
}

template <class T>
size_t pick_weighted(const T& items, uint32_t total, Rng* rng) {
  uint64_t r = rng->below(total);
  for (size_t i = 0; i < items.size(); ++i) {
    if (r < items[i].weight) return i;
    r -= items[i].weight;
  }
  return items.size() - 1;
}

uint32_t pick(const std::vector<uint32_t>& pool, Rng* rng) { return pool[rng->below(pool.size())]; }

// Days since 1970-01-01 -> day of month (H. Hinnant's civil_from_days).
uint32_t civil_day_of_month(int64_t days) {
  const int64_t z = days + 719'468;
  const int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  const int64_t doe = z - era * 146'097;
  const int64_t yoe = (doe - doe / 1'460 + doe / 36'524 - doe / 146'096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  return static_cast<uint32_t>(doy - (153 * mp + 2) / 5 + 1);
}

// A random moment of local business hours (8:00-17:59) of day `day`, in UTC.
int64_t business_time_ms(const GeneratorConfig& config, uint32_t day, int utc_offset_h, Rng* rng) {
  const int64_t local_ms = 8 * kHourMs + static_cast<int64_t>(rng->below(10 * kHourMs));
  int64_t utc_ms = (local_ms - utc_offset_h * kHourMs) % kDayMs;
  if (utc_ms < 0) utc_ms += kDayMs;
  return config.start_time_ms + static_cast<int64_t>(day) * kDayMs + utc_ms;
}

uint32_t cash_location(const Population& population, const Profile& holder, uint32_t customer,
                       Rng* rng) {
  uint32_t branch;
  const uint32_t roll = static_cast<uint32_t>(rng->below(1000));
  if (customer < population.customer_count && roll < kFirstBranchPermille) {
    branch = population.home_branches[customer][0];
  } else if (customer < population.customer_count &&
             roll < kFirstBranchPermille + kSecondBranchPermille) {
    branch = population.home_branches[customer][1];
  } else {
    branch = static_cast<uint32_t>(1 + rng->below(kBranchesPerCountry));
  }
  return (static_cast<uint32_t>(holder.country) << 16) | branch;
}

// A local biller of `country`: a shop or service of an everyday category (not
// lodging, travel or adult ads), by spending share, or any merchant of the
// category when the country has none. Many billers, so that colleagues paid the
// same day rarely pay the same one (a scatter-gather through a shop).
uint32_t pick_biller(const Population& population, uint8_t country, Rng* rng) {
  uint32_t total = 0;
  for (size_t c : kBillerCategories) total += kMerchantCategories[c].spend_permille;
  uint64_t r = rng->below(total);
  size_t k = 0;
  while (k + 1 < kBillerCategories.size() &&
         r >= kMerchantCategories[kBillerCategories[k]].spend_permille) {
    r -= kMerchantCategories[kBillerCategories[k]].spend_permille;
    ++k;
  }
  const size_t category = kBillerCategories[k];
  const auto& local = population.local_merchants[country][category];
  if (!local.empty()) return pick(local, rng);
  return pick(population.merchants_by_category[category], rng);
}

// A supplier of organisation `payer` among the customer organisations `pool`
// (sorted by index): one of the kSupplierWindow organisations above the payer in
// index order, so supply chains run one way (no loops) and each organisation is
// the supplier of about as many as any other; an outside supplier (a biller) when
// the draw passes the top of the pool.
uint32_t pick_supplier(const Population& population, const std::vector<uint32_t>& pool,
                       uint32_t payer, uint8_t country, Rng* rng) {
  const auto above = std::upper_bound(pool.begin(), pool.end(), payer);
  const uint64_t step = rng->below(kSupplierWindow);
  if (static_cast<uint64_t>(pool.end() - above) <= step) {
    return pick_biller(population, country, rng);
  }
  return *(above + static_cast<std::ptrdiff_t>(step));
}

// A person of `country` other than `exclude`, or kNone.
uint32_t pick_person(const Population& population, uint8_t country, uint32_t exclude, Rng* rng) {
  const auto& local = population.persons_by_country[country];
  if (local.empty()) return kNone;
  const size_t i = rng->below(local.size());
  if (local[i] != exclude) return local[i];
  return local.size() > 1 ? local[(i + 1) % local.size()] : kNone;
}

// One of the kContractorsPerOrganisation persons of `country` that organisation
// `payer` hires as freelancers (fixed per organisation), or kNone.
uint32_t pick_contractor(const Population& population, uint32_t payer, uint8_t country, Rng* rng) {
  const auto& local = population.persons_by_country[country];
  if (local.empty()) return kNone;
  const uint64_t k = rng->below(kContractorsPerOrganisation);
  return local[(uint64_t{payer} * 2'654'435'761ULL + k * 40'503ULL) % local.size()];
}

bool is_contact(const Population& population, uint32_t a, uint32_t b) {
  for (uint8_t k = 0; k < population.contact_count[a]; ++k) {
    if (population.contacts[a][k] == b) return true;
  }
  return false;
}

// Whether b is a contact of a or of one of a's contacts.
bool near(const Population& population, uint32_t a, uint32_t b) {
  if (is_contact(population, a, b)) return true;
  for (uint8_t k = 0; k < population.contact_count[a]; ++k) {
    if (is_contact(population, population.contacts[a][k], b)) return true;
  }
  return false;
}

uint32_t pick_contact(const Population& population, uint32_t person, Rng* rng) {
  return population.contacts[person][rng->below(population.contact_count[person])];
}

// Links a and b as contacts unless either is full, they already are, or they
// have a contact in common: the circles form no triangles, so money among friends
// cannot go round three accounts and back.
bool add_contact(Population* population, uint32_t a, uint32_t b) {
  if (a == b || population->contact_count[a] >= Population::kMaxContacts ||
      population->contact_count[b] >= Population::kMaxContacts || is_contact(*population, a, b)) {
    return false;
  }
  for (uint8_t k = 0; k < population->contact_count[a]; ++k) {
    if (is_contact(*population, population->contacts[a][k], b)) return false;
  }
  population->contacts[a][population->contact_count[a]++] = b;
  population->contacts[b][population->contact_count[b]++] = a;
  return true;
}

}  // namespace

uint32_t pick_merchant(const Population& population, uint8_t country, Rng* rng) {
  uint64_t r = rng->below(1000);
  size_t category = 0;
  while (category + 1 < kMerchantCategories.size() &&
         r >= kMerchantCategories[category].spend_permille) {
    r -= kMerchantCategories[category].spend_permille;
    ++category;
  }
  const auto& local = population.local_merchants[country][category];
  // Mostly domestic; the rest is e-commerce and travel abroad.
  if (!local.empty() && rng->chance_permille(kDomesticMerchantPermille)) return pick(local, rng);
  return pick(population.merchants_by_category[category], rng);
}

uint32_t day_of_month(const GeneratorConfig& config, uint32_t day) {
  const int64_t ms = config.start_time_ms + static_cast<int64_t>(day) * kDayMs;
  const int64_t days = ms >= 0 ? ms / kDayMs : -((-ms + kDayMs - 1) / kDayMs);
  return civil_day_of_month(days);
}

int64_t rhythm_time_ms(const GeneratorConfig& config, uint32_t day, int utc_offset_h, Rng* rng) {
  static constexpr uint32_t kTotal = [] {
    uint32_t t = 0;
    for (uint32_t w : kHourWeights) t += w;
    return t;
  }();
  uint64_t r = rng->below(kTotal);
  int64_t hour = 0;
  while (r >= kHourWeights[static_cast<size_t>(hour)]) {
    r -= kHourWeights[static_cast<size_t>(hour)];
    ++hour;
  }
  const int64_t local_ms = hour * kHourMs + static_cast<int64_t>(rng->below(kHourMs));
  int64_t utc_ms = (local_ms - utc_offset_h * kHourMs) % kDayMs;
  if (utc_ms < 0) utc_ms += kDayMs;
  return config.start_time_ms + static_cast<int64_t>(day) * kDayMs + utc_ms;
}

std::vector<uint64_t> background_counts_per_day(const GeneratorConfig& config, uint64_t total) {
  std::vector<uint64_t> weights(config.days);
  uint64_t weight_total = 0;
  for (uint32_t d = 0; d < config.days; ++d) {
    // Days since the Unix epoch (a Thursday); 0 = Sunday.
    const int64_t epoch_day = (config.start_time_ms + static_cast<int64_t>(d) * kDayMs) / kDayMs;
    const int64_t weekday = ((epoch_day + 4) % 7 + 7) % 7;
    weights[d] = (weekday == 0 || weekday == 6) ? kWeekendWeight : kWeekdayWeight;
    weight_total += weights[d];
  }
  std::vector<uint64_t> counts(config.days);
  uint64_t assigned = 0;
  for (uint32_t d = 0; d < config.days; ++d) {
    counts[d] =
        total / weight_total * weights[d] + (total % weight_total) * weights[d] / weight_total;
    assigned += counts[d];
  }
  // Rounding leftovers, one per day from the first.
  for (uint32_t d = 0; assigned < total; d = (d + 1) % config.days, ++assigned) ++counts[d];
  return counts;
}

Population build_population(const GeneratorConfig& config, World* world) {
  Rng rng(mix_seed(config.seed, 0x706f70));
  Population pop;
  pop.customer_count = config.accounts;
  pop.customers_by_country.resize(kCountries.size());
  pop.merchants_by_category.resize(kMerchantCategories.size());
  pop.local_merchants.assign(kCountries.size(),
                             std::vector<std::vector<uint32_t>>(kMerchantCategories.size()));

  struct Weighted {
    uint8_t country;
    uint32_t weight;
  };
  std::vector<Weighted> homes;
  uint32_t home_total = 0;
  for (size_t i = 0; i < kCountries.size(); ++i) {
    if (kCountries[i].customer_weight == 0) continue;
    homes.push_back({static_cast<uint8_t>(i), kCountries[i].customer_weight});
    home_total += kCountries[i].customer_weight;
  }

  for (uint32_t i = 0; i < config.accounts; ++i) {
    const uint8_t country = homes[pick_weighted(homes, home_total, &rng)].country;
    const bool organization = rng.chance_permille(kOrganizationPermille);
    const uint32_t index = world->add_profile(country, organization);
    pop.customers_by_country[country].push_back(index);
    // Activity: most people pay a little, businesses and some people more;
    // capped so nobody nears AML-VELOCITY-1H's 20 payments per hour.
    const uint32_t weight = organization ? static_cast<uint32_t>(rng.between(2, 5))
                                         : (rng.chance_permille(300) ? 2u : 1u);
    for (uint32_t w = 0; w < weight; ++w) pop.activity.push_back(index);
  }

  pop.persons_by_country.resize(kCountries.size());
  pop.organisations_by_country.resize(kCountries.size());
  for (uint32_t i = 0; i < config.accounts; ++i) {
    const Profile& p = world->profile(i);
    if (p.organization) {
      pop.organisations_by_country[p.country].push_back(i);
      pop.organisations.push_back(i);
    } else {
      pop.persons_by_country[p.country].push_back(i);
    }
  }

  // Households and circles of friends and family.
  pop.contacts.assign(config.accounts, {});
  pop.contact_count.assign(config.accounts, 0);
  std::vector<uint32_t> single(kCountries.size(), kNone);
  for (uint32_t i = 0; i < config.accounts; ++i) {
    if (world->profile(i).organization) continue;
    const uint8_t country = world->profile(i).country;
    if (single[country] != kNone && rng.chance_permille(kHouseholdPermille)) {
      const uint32_t partner = single[country];
      single[country] = kNone;
      Profile& p = world->mutable_profile(i);
      const Profile& q = world->profile(partner);
      p.address = q.address;
      p.name = p.name.substr(0, p.name.find(' ')) + q.name.substr(q.name.find(' '));
      add_contact(&pop, i, partner);
    } else {
      single[country] = i;
    }
  }
  for (uint32_t i = 0; i < config.accounts; ++i) {
    if (world->profile(i).organization) continue;
    const uint8_t country = world->profile(i).country;
    const int64_t wanted = rng.between(kMinNewContacts, kMaxNewContacts);
    for (int64_t k = 0, attempts = 0; k < wanted && attempts < 4 * kMaxNewContacts; ++attempts) {
      const uint32_t other = pick_person(pop, country, i, &rng);
      if (other == kNone) break;
      if (add_contact(&pop, i, other)) ++k;
    }
  }

  // Local merchants: in every home country, each category gets one merchant
  // per kCustomersPerMerchant customers' worth of its spending share (at least
  // one), so that every merchant sees about the same number of payers and no
  // lone merchant collects a whole category. Online sites live in the US.
  auto add_merchant = [&](uint8_t country, size_t category) {
    const uint32_t index = world->add_profile(country, true, static_cast<int>(category));
    pop.merchants_by_category[category].push_back(index);
    pop.local_merchants[country][category].push_back(index);
    if (!kMerchantCategories[category].online) pop.merchants.push_back(index);
  };
  for (const auto& home : homes) {
    const uint64_t customers = pop.customers_by_country[home.country].size();
    for (size_t category = 0; category < kMerchantCategories.size(); ++category) {
      if (kMerchantCategories[category].online) continue;
      const uint64_t share = customers * kMerchantCategories[category].spend_permille;
      const uint64_t per_merchant = uint64_t{1000} * kCustomersPerMerchant;
      const uint64_t count = std::max<uint64_t>(1, (share + per_merchant - 1) / per_merchant);
      for (uint64_t m = 0; m < count; ++m) add_merchant(home.country, category);
    }
  }
  for (size_t category = 0; category < kMerchantCategories.size(); ++category) {
    if (!kMerchantCategories[category].online) continue;
    for (int i = 0; i < kOnlineSitesPerCategory; ++i) add_merchant(country_index("US"), category);
  }

  // Jobs, homes and bank branches of persons.
  std::vector<std::vector<uint32_t>> organisations(kCountries.size());
  for (uint32_t i = 0; i < config.accounts; ++i) {
    if (world->profile(i).organization) organisations[world->profile(i).country].push_back(i);
  }
  std::vector<uint32_t> staff(config.accounts, 0);
  std::vector<uint32_t> tenants(config.accounts, 0);
  std::vector<uint8_t> payday(config.accounts, 0);
  uint32_t payday_total = 0;
  for (uint32_t w : kPaydayWeights) payday_total += w;
  for (uint32_t i = 0; i < config.accounts; ++i) {
    if (!world->profile(i).organization) continue;
    uint64_t r = rng.below(payday_total);
    size_t k = 0;
    while (r >= kPaydayWeights[k]) r -= kPaydayWeights[k++];
    payday[i] = static_cast<uint8_t>(kPaydays[k]);
  }
  pop.employer.assign(config.accounts, kNone);
  pop.landlord.assign(config.accounts, kNone);
  pop.salary_usd_cents.assign(config.accounts, 0);
  pop.rent_usd_cents.assign(config.accounts, 0);
  pop.home_branches.resize(config.accounts);
  for (uint32_t i = 0; i < config.accounts; ++i) {
    const Profile& p = world->profile(i);
    pop.home_branches[i] = {static_cast<uint16_t>(1 + rng.below(kBranchesPerCountry)),
                            static_cast<uint16_t>(1 + rng.below(kBranchesPerCountry))};
    if (p.organization) continue;
    const auto& employers = organisations[p.country];
    if (!employers.empty() && rng.chance_permille(kEmployedPermille)) {
      const uint32_t e = employers[rng.below(employers.size())];
      if (staff[e] < kMaxEmployees) {
        ++staff[e];
        pop.employer[i] = e;
        pop.salary_usd_cents[i] =
            std::clamp(rng.log_normal(kSalaryMedianUsdCents, kSalarySigmaLog2Q8),
                       kSalaryMinUsdCents, kSalaryMaxUsdCents);
        pop.paid_on[payday[e]].push_back(i);
      }
    }
    if (rng.chance_permille(kTenantPermille)) {
      uint32_t landlord = kNone;
      if (!employers.empty() && rng.chance_permille(kCorporateLandlordPermille)) {
        landlord = employers[rng.below(employers.size())];
      } else {
        // A small landlord: a person outside the tenant's circle with room for a tenant.
        for (int attempt = 0; attempt < 8 && landlord == kNone; ++attempt) {
          const uint32_t candidate = pick_person(pop, p.country, i, &rng);
          if (candidate == kNone) break;
          if (tenants[candidate] < kMaxTenantsPerPersonLandlord && !near(pop, i, candidate))
            landlord = candidate;
        }
        if (landlord != kNone) ++tenants[landlord];
      }
      if (landlord == kNone || landlord == i) continue;
      int64_t rent = std::clamp(rng.log_normal(kRentMedianUsdCents, kRentSigmaLog2Q8),
                                kRentMinUsdCents, kRentMaxUsdCents);
      if (pop.employer[i] != kNone) {
        rent = std::min(rent, pop.salary_usd_cents[i] * kMaxRentPermilleOfSalary / 1000);
      }
      pop.landlord[i] = landlord;
      pop.rent_usd_cents[i] = rent;
      pop.rent_on[1 + rng.below(kLastRentDay)].push_back(i);
    }
  }

  uint32_t destination_total = 0;
  for (const auto& d : kRemittanceDestinations) destination_total += d.weight;
  pop.remit_recipient.assign(config.accounts, kNone);
  for (uint32_t i = 0; i < config.accounts; ++i) {
    const Profile& p = world->profile(i);
    if (p.organization || !in_list(kCountries[p.country].code, kRemittanceSenders)) continue;
    if (!rng.chance_permille(kRemitterPermille)) continue;
    const uint8_t destination = country_index(
        kRemittanceDestinations[pick_weighted(kRemittanceDestinations, destination_total, &rng)]
            .country);
    pop.remit_recipient[i] = world->add_profile(destination, false);
    pop.remitters.push_back(i);
  }
  // Tiny populations may have no remitter; let anyone send then.
  if (pop.remitters.empty()) {
    pop.remitters.push_back(0);
    pop.remit_recipient[0] = world->add_profile(country_index("PK"), false);
  }
  return pop;
}

void generate_background_day(const GeneratorConfig& config, const World& world,
                             const Population& population, uint32_t day, uint64_t count,
                             uint64_t first_seq, std::vector<TxRecord>* out) {
  Rng rng(mix_seed(config.seed, 0x646179'00000000ULL + day));
  uint64_t n = 0;
  // Scheduled payments first: payroll on the employers' payday, then rent.
  const uint32_t dom = day_of_month(config, day);
  if (dom < population.paid_on.size()) {
    for (uint32_t employee : population.paid_on[dom]) {
      if (n == count) break;
      TxRecord r;
      r.seq = first_seq + n++;
      r.originator = population.employer[employee];
      r.beneficiary = employee;
      r.channel = static_cast<uint8_t>(nexus::v1::CHANNEL_ACH);
      r.narrative = kNarrativeSalary;
      const Profile& payer = world.profile(r.originator);
      r.currency = kCountries[payer.country].currency;
      r.amount_minor = usd_cents_to_minor(population.salary_usd_cents[employee], r.currency);
      r.time_ms = business_time_ms(config, day, kCountries[payer.country].utc_offset_h, &rng);
      out->push_back(r);
    }
    for (uint32_t tenant : population.rent_on[dom]) {
      if (n == count) break;
      TxRecord r;
      r.seq = first_seq + n++;
      r.originator = tenant;
      r.beneficiary = population.landlord[tenant];
      const uint64_t roll = rng.below(100);
      r.channel = static_cast<uint8_t>(roll < 85   ? nexus::v1::CHANNEL_ACH
                                       : roll < 95 ? nexus::v1::CHANNEL_CHEQUE
                                                   : nexus::v1::CHANNEL_MOBILE_MONEY);
      if (r.channel == nexus::v1::CHANNEL_MOBILE_MONEY) r.flags |= kWithDevice;
      r.narrative = kNarrativeRent;
      const Profile& payer = world.profile(tenant);
      r.currency = kCountries[payer.country].currency;
      r.amount_minor = usd_cents_to_minor(population.rent_usd_cents[tenant], r.currency);
      r.time_ms = rhythm_time_ms(config, day, kCountries[payer.country].utc_offset_h, &rng);
      out->push_back(r);
    }
  }
  for (; n < count; ++n) {
    TxRecord r;
    r.seq = first_seq + n;
    const uint64_t roll = rng.below(1000);
    uint64_t acc = 0;
    size_t ci = 0;
    while (ci + 1 < kChannelMix.size() && roll >= acc + kChannelMix[ci].permille) {
      acc += kChannelMix[ci].permille;
      ++ci;
    }
    const ChannelMix& mix = kChannelMix[ci];
    r.channel = static_cast<uint8_t>(mix.channel);
    int64_t usd =
        std::min(rng.log_normal(mix.median_usd_cents, mix.sigma_log2_q8), mix.max_usd_cents);

    uint32_t actor = pick(population.activity, &rng);  // whose clock sets the time
    const Profile& from = world.profile(actor);
    const uint8_t country = from.country;
    switch (mix.channel) {
      case nexus::v1::CHANNEL_CARD:
      case nexus::v1::CHANNEL_PREPAID_CARD:
        r.originator = actor;
        r.beneficiary = pick_merchant(population, world.profile(actor).country, &rng);
        if (rng.chance_permille(300)) r.flags |= kWithDevice;
        break;
      case nexus::v1::CHANNEL_CASH_DEPOSIT:
        r.originator = actor;
        r.beneficiary = actor;
        r.flags |= kOriginatorCash;
        r.narrative = kNarrativeCashDeposit;
        break;
      case nexus::v1::CHANNEL_CASH_WITHDRAWAL:
        r.originator = actor;
        r.beneficiary = actor;
        r.flags |= kBeneficiaryCash;
        r.narrative = kNarrativeAtm;
        break;
      case nexus::v1::CHANNEL_MSB:
      case nexus::v1::CHANNEL_HAWALA: {
        actor = pick(population.remitters, &rng);
        r.originator = actor;
        r.beneficiary = population.remit_recipient[actor];
        r.narrative = rng.chance_permille(700) ? kNarrativeFamily : kNarrativeMedical;
        const char* destination = kCountries[world.profile(r.beneficiary).country].code;
        if (in_list(destination, kConflictZones)) {
          usd = std::min(usd, kConflictZoneRemittanceMaxUsdCents);
        } else if (in_list(destination, kConflictAdjacent)) {
          usd = std::min(usd, kConflictAdjacentRemittanceMaxUsdCents);
        }
        break;
      }
      case nexus::v1::CHANNEL_CRYPTO:
        // To an exchange or a business that takes crypto: an organisation anywhere.
        r.originator = actor;
        r.beneficiary = pick(population.organisations, &rng);
        if (r.beneficiary == actor) r.beneficiary = pick_biller(population, country, &rng);
        r.flags |= kWithDevice;
        break;
      case nexus::v1::CHANNEL_WIRE: {
        r.originator = actor;
        const bool abroad = rng.chance_permille(kCrossBorderWirePermille);
        if (from.organization) {
          // Suppliers, at home or abroad, up the supply chain.
          r.beneficiary = !rng.chance_permille(kCustomerSupplierPermille)
                              ? (abroad ? pick(population.merchants, &rng)
                                        : pick_biller(population, country, &rng))
                              : pick_supplier(population,
                                              abroad ? population.organisations
                                                     : population.organisations_by_country[country],
                                              actor, country, &rng);
          r.narrative = kNarrativeSupplier;
        } else if (abroad) {
          // Family abroad, or a purchase from a foreign business.
          const uint32_t family = population.remit_recipient[actor];
          r.beneficiary = family != kNone ? family : pick(population.merchants, &rng);
          r.narrative = family != kNone ? kNarrativeFamily : kNarrativeInvoice;
        } else if (population.contact_count[actor] != 0 &&
                   rng.chance_permille(kContactWirePermille)) {
          // Family help or a loan to a friend.
          r.beneficiary = pick_contact(population, actor, &rng);
          r.narrative = rng.chance_permille(500) ? kNarrativeLoan : kNarrativeGift;
          usd = std::min(rng.log_normal(kContactWireMedianUsdCents, kContactWireSigmaLog2Q8),
                         kContactMaxUsdCents);
        } else {
          r.beneficiary = pick_biller(population, country, &rng);
          r.narrative = kNarrativeInvoice;
        }
        if (rng.chance_permille(500)) r.flags |= kWithDevice;
        break;
      }
      default: {  // ach, mobile money, cheque: friends and family, bills, suppliers, fees
        r.originator = actor;
        if (from.organization) {
          if (rng.chance_permille(kSupplierPermille)) {
            r.beneficiary =
                rng.chance_permille(kCustomerSupplierPermille)
                    ? pick_supplier(population, population.organisations_by_country[country], actor,
                                    country, &rng)
                    : pick_biller(population, country, &rng);
            r.narrative = kNarrativeInvoice;
          } else {
            r.beneficiary = pick_contractor(population, actor, country, &rng);
            if (r.beneficiary == kNone) r.beneficiary = pick_biller(population, country, &rng);
            r.narrative = kNarrativeConsulting;  // a freelancer's or contractor's fee
          }
        } else if (population.contact_count[actor] != 0 &&
                   rng.chance_permille(kContactTransferPermille)) {
          r.beneficiary = pick_contact(population, actor, &rng);
          static constexpr uint8_t kPersonal[] = {kNarrativeGift, kNarrativeDinner, kNarrativeNone,
                                                  kNarrativeShared};
          r.narrative = kPersonal[rng.below(4)];
          const size_t kind = mix.channel == nexus::v1::CHANNEL_ACH            ? 0
                              : mix.channel == nexus::v1::CHANNEL_MOBILE_MONEY ? 1
                                                                               : 2;
          usd = std::min(rng.log_normal(kContactMedianUsdCents[kind], kContactSigmaLog2Q8),
                         kContactMaxUsdCents);
        } else {
          r.beneficiary = pick_biller(population, country, &rng);
          r.narrative = kNarrativeInvoice;
        }
        if (mix.channel == nexus::v1::CHANNEL_MOBILE_MONEY) r.flags |= kWithDevice;
        break;
      }
    }

    const Profile& payer = world.profile(r.originator);
    if (!payer.organization && r.originator < population.customer_count &&
        mix.channel != nexus::v1::CHANNEL_CARD && mix.channel != nexus::v1::CHANNEL_PREPAID_CARD &&
        mix.channel != nexus::v1::CHANNEL_CASH_DEPOSIT) {
      const int64_t income = population.salary_usd_cents[r.originator] != 0
                                 ? population.salary_usd_cents[r.originator]
                                 : kSalaryMedianUsdCents;
      usd = std::min(usd, income * kPersonalTransferMaxPermilleOfIncome / 1000);
    }
    r.currency = kCountries[payer.country].currency;
    if (mix.channel == nexus::v1::CHANNEL_CRYPTO) r.currency = kUsd;
    if (r.flags & (kOriginatorCash | kBeneficiaryCash)) {
      r.location = cash_location(population, payer, r.originator, &rng);
    }
    r.amount_minor = usd_cents_to_minor(usd, r.currency);
    r.time_ms = rhythm_time_ms(config, day, kCountries[payer.country].utc_offset_h, &rng);
    out->push_back(r);
  }
}

}  // namespace nexus::generator::detail
