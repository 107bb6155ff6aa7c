// The generator's synthetic world: countries, currencies, names and the
// account profiles (customers, merchants, foreign recipients, scenario
// accounts) that transactions refer to by index. Built once per generate()
// call; not thread-safe.
#pragma once

#include "generator/detail/random.hpp"
#include "nexus/v1/transaction.pb.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nexus::generator::detail {

/// A currency the generator emits, with a fixed approximate rate.
struct Currency {
  const char* code;
  int minor_digits;       // ISO 4217 minor units: 2 for USD, 0 for JPY, 3 for KWD
  int64_t per_usd_milli;  // units of this currency per 1 USD, times 1000
};
extern const std::vector<Currency> kCurrencies;
inline constexpr uint8_t kUsd = 0;  // index of USD in kCurrencies
inline constexpr uint8_t kEur = 1;  // index of EUR in kCurrencies

/// Index of `code` in kCurrencies, or -1.
int currency_index(std::string_view code);

/// Converts US cents into minor units of kCurrencies[currency] (rounded, >= 1).
int64_t usd_cents_to_minor(int64_t usd_cents, uint8_t currency);

/// Converts minor units of kCurrencies[currency] into US cents (rounded).
int64_t minor_to_usd_cents(int64_t minor, uint8_t currency);

/// A country accounts live in.
struct Country {
  const char* code;          // ISO 3166-1 alpha-2
  const char* calling_code;  // E.164 prefix without '+'
  uint8_t currency;          // index in kCurrencies (USD where accounts there never pay)
  uint8_t name_region;       // index into the name tables
  int8_t utc_offset_h;       // for the daily rhythm
  bool iban;                 // account ids IBAN-like, else "ACC-" style
  uint32_t customer_weight;  // share of background customers living there (0 = none)
  const char* cities[3];
};
extern const std::vector<Country> kCountries;

/// Index of `code` in kCountries; aborts if unknown (a bug in a table).
uint8_t country_index(std::string_view code);

/// Every person and organisation name make_profile can produce, each once, sorted
/// (generator.hpp: background_names). Organisation names carry `true`.
std::vector<std::pair<std::string, bool>> all_background_names();

/// One account and its holder as they appear on payments.
struct Profile {
  std::string account;
  std::string name;
  std::string address;
  std::string phone;
  std::string email;
  std::string date_of_birth;  // empty for organisations
  std::string national_id;
  std::string agent_bic;
  std::string device_id;
  uint8_t country = 0;  // index in kCountries
  bool organization = false;
  uint16_t merchant_category = 0;  // index in kMerchantCategories + 1; 0 = not a merchant
};

/// An ISO 18245 merchant category with its name stem and its share of card
/// spending. Online categories have fixed brand names instead of local ones.
struct MerchantCategory {
  const char* mcc;
  const char* stem;         // e.g. "Grocers"
  uint32_t spend_permille;  // share of background card and prepaid payments
  bool online = false;      // named from kOnlineBrands, lives in the US
};
extern const std::vector<MerchantCategory> kMerchantCategories;
/// Indexes of kMerchantCategories that planted scenarios use.
inline constexpr int kCategoryHotel = 8;
inline constexpr int kCategoryMarket = 7;
inline constexpr int kCategoryAirline = 12;
inline constexpr int kCategoryTravelAgency = 13;
inline constexpr int kCategoryCoach = 14;
inline constexpr int kCategoryAdultAds = 15;
inline constexpr int kCategoryMotel = 16;

/// Profiles by index, with builders. Index order is creation order.
class World {
 public:
  explicit World(uint64_t seed) : rng_(mix_seed(seed, 0x776f726c64)) {
    for (auto& offset : offsets_) offset = rng_.next();
  }

  /// Adds an account holder living in `country`; returns its index.
  /// `merchant_category` is an index into kMerchantCategories, or -1.
  uint32_t add_profile(uint8_t country, bool organization, int merchant_category = -1);

  const Profile& profile(uint32_t index) const { return profiles_[index]; }
  /// For planted scenarios that share a phone or a device between accounts.
  Profile& mutable_profile(uint32_t index) { return profiles_[index]; }
  uint32_t size() const { return static_cast<uint32_t>(profiles_.size()); }

  /// Fills a protobuf Party from profile `index`; with `cash` the account is the
  /// holder's cash position ("CASH-" + account), used as the other side of cash
  /// deposits and withdrawals.
  void fill_party(uint32_t index, bool cash, nexus::v1::Party* party) const;

 private:
  Rng rng_;
  // Offsets of the unique phone, e-mail, registration and national id numbers.
  std::array<uint64_t, 4> offsets_{};
  std::vector<Profile> profiles_;
};

}  // namespace nexus::generator::detail
