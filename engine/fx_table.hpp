// FxTable: converts amounts in minor units of an ISO 4217 currency to major
// units of the reference currency (USD by default), at fixed configured rates.
// Fixed rates keep replays exact: the same event converts the same way every
// time. Immutable after construction; thread-safe.
#pragma once

#include "base/result.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>

namespace nexus::engine {

class FxTable {
 public:
  struct Currency {
    int minor_digits = 2;           // ISO 4217 exponent: JPY 0, USD 2, KWD 3
    double reference_per_unit = 0;  // value of one major unit in the reference currency
  };

  /// The built-in table: ~50 currencies with ISO 4217 exponents and indicative
  /// rates to USD (a snapshot; load your own with from_file for production).
  static FxTable defaults();

  /// Reads "CODE minor_digits rate" lines ('#' comments); the reference currency is the
  /// one with rate 1. Errors name file:line.
  static Result<FxTable> from_file(const std::filesystem::path& path);

  const Currency* find(std::string_view code) const;
  /// Major units of the reference currency, or nullopt-like negative when the currency is unknown.
  double to_reference(int64_t amount_minor, const Currency& currency) const;
  double to_major(int64_t amount_minor, const Currency& currency) const;

  void set(std::string code, Currency currency) { currencies_[std::move(code)] = currency; }
  const std::string& reference() const { return reference_; }

 private:
  std::string reference_ = "USD";
  std::unordered_map<std::string, Currency> currencies_;
};

}  // namespace nexus::engine
