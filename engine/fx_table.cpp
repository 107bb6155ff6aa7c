#include "engine/fx_table.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

namespace nexus::engine {

namespace {

constexpr double kPow10[] = {1, 10, 100, 1000, 10000};

}  // namespace

FxTable FxTable::defaults() {
  // Indicative mid rates, USD per major unit (snapshot, rounded). Exponents from ISO 4217.
  struct Row {
    const char* code;
    int digits;
    double usd;
  };
  static constexpr Row kRows[] = {
      {"USD", 2, 1.0},    {"EUR", 2, 1.08},      {"GBP", 2, 1.27},      {"CHF", 2, 1.12},
      {"JPY", 0, 0.0067}, {"CNY", 2, 0.138},     {"HKD", 2, 0.128},     {"SGD", 2, 0.74},
      {"AUD", 2, 0.66},   {"CAD", 2, 0.73},      {"NZD", 2, 0.61},      {"SEK", 2, 0.095},
      {"NOK", 2, 0.094},  {"DKK", 2, 0.145},     {"PLN", 2, 0.25},      {"CZK", 2, 0.043},
      {"HUF", 2, 0.0027}, {"RON", 2, 0.217},     {"BGN", 2, 0.552},     {"TRY", 2, 0.031},
      {"RUB", 2, 0.011},  {"UAH", 2, 0.025},     {"AED", 2, 0.2723},    {"SAR", 2, 0.2667},
      {"QAR", 2, 0.2747}, {"KWD", 3, 3.25},      {"BHD", 3, 2.65},      {"OMR", 3, 2.6},
      {"JOD", 3, 1.41},   {"LBP", 2, 0.0000112}, {"SYP", 2, 0.0000769}, {"IQD", 3, 0.000763},
      {"EGP", 2, 0.0207}, {"ILS", 2, 0.27},      {"IRR", 2, 0.0000238}, {"AFN", 2, 0.0141},
      {"PKR", 2, 0.0036}, {"INR", 2, 0.012},     {"BDT", 2, 0.0091},    {"LKR", 2, 0.0033},
      {"NPR", 2, 0.0075}, {"THB", 2, 0.028},     {"VND", 0, 0.00004},   {"IDR", 2, 0.0000635},
      {"MYR", 2, 0.213},  {"PHP", 2, 0.0178},    {"KRW", 0, 0.00074},   {"NGN", 2, 0.00066},
      {"GHS", 2, 0.066},  {"KES", 2, 0.0077},    {"UGX", 0, 0.00027},   {"TZS", 2, 0.00039},
      {"ETB", 2, 0.0087}, {"SOS", 2, 0.00175},   {"XOF", 0, 0.00165},   {"XAF", 0, 0.00165},
      {"MAD", 2, 0.1},    {"DZD", 2, 0.0074},    {"TND", 3, 0.32},      {"LYD", 3, 0.207},
      {"YER", 2, 0.004},  {"SDG", 2, 0.00166},   {"ZAR", 2, 0.054},     {"MXN", 2, 0.058},
      {"BRL", 2, 0.2},    {"COP", 2, 0.00025},   {"ARS", 2, 0.0011},    {"CLP", 0, 0.00106},
      {"PEN", 2, 0.27},   {"VES", 2, 0.027},     {"BTC", 8, 60000.0},   {"USDT", 6, 1.0}};
  FxTable table;
  for (const auto& row : kRows) table.set(row.code, Currency{row.digits, row.usd});
  return table;
}

Result<FxTable> FxTable::from_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return make_error("fx_file", path.string() + ": cannot read");
  FxTable table;
  table.currencies_.clear();
  std::string line;
  int number = 0;
  bool have_reference = false;
  while (std::getline(in, line)) {
    ++number;
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    std::string code;
    if (!(fields >> code)) continue;
    Currency currency;
    if (!(fields >> currency.minor_digits >> currency.reference_per_unit) ||
        currency.minor_digits < 0 || currency.minor_digits > 8 ||
        !(currency.reference_per_unit > 0)) {
      return make_error("fx_file", path.string() + ":" + std::to_string(number) +
                                       ": expected 'CODE minor_digits rate', e.g. 'EUR 2 1.08'");
    }
    if (currency.reference_per_unit == 1.0 && !have_reference) {
      table.reference_ = code;
      have_reference = true;
    }
    table.currencies_[code] = currency;
  }
  if (table.currencies_.empty()) return make_error("fx_file", path.string() + ": no currencies");
  return table;
}

const FxTable::Currency* FxTable::find(std::string_view code) const {
  auto found = currencies_.find(std::string(code));
  return found == currencies_.end() ? nullptr : &found->second;
}

double FxTable::to_major(int64_t amount_minor, const Currency& currency) const {
  const double scale = currency.minor_digits <= 4 ? kPow10[currency.minor_digits]
                                                  : std::pow(10.0, currency.minor_digits);
  return static_cast<double>(amount_minor) / scale;
}

double FxTable::to_reference(int64_t amount_minor, const Currency& currency) const {
  // Rounded to cents so that thresholds compare on the amounts a person would write.
  return std::round(to_major(amount_minor, currency) * currency.reference_per_unit * 100.0) / 100.0;
}

}  // namespace nexus::engine
