// Reader for laundering-pattern listings in the format of the IBM AML dataset's
// *_Patterns.txt files (Altman et al., NeurIPS 2023), e.g. HI-Small_Patterns.txt:
//
//   BEGIN LAUNDERING ATTEMPT - FAN-OUT:  Max 16-degree Fan-Out
//   2022/09/01 00:06,021174,800737690,012,80011F990,2848.96,Euro,2848.96,Euro,ACH,1
//   ...
//   END LAUNDERING ATTEMPT - FAN-OUT
//
// Row columns are those of HI-Small_Trans.csv: Timestamp, From Bank, Account, To
// Bank, Account, Amount Received, Receiving Currency, Amount Paid, Payment
// Currency, Payment Format, Is Laundering. Bank ids are kept as strings (their
// zero padding varies and matters). Used to score the detectors against the
// published ground truth. Pure functions.
#pragma once

#include "base/result.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::graph {

struct PatternTransaction {
  int64_t time_ms = 0;  // "YYYY/MM/DD HH:MM" read as UTC
  std::string from_bank;
  std::string from_account;
  std::string to_bank;
  std::string to_account;
  double amount_received = 0;
  std::string receiving_currency;
  double amount_paid = 0;
  std::string payment_currency;
  std::string payment_format;
  bool laundering = false;

  /// "<bank>:<account>": an account id is unique only within its bank.
  std::string from_key() const { return from_bank + ":" + from_account; }
  std::string to_key() const { return to_bank + ":" + to_account; }
};

struct LaunderingAttempt {
  std::string family;      // "FAN-OUT", "CYCLE", "GATHER-SCATTER", ...
  std::string parameters;  // "Max 16-degree Fan-Out", "" when the header has none
  size_t line = 0;         // of the BEGIN line, 1-based
  std::vector<PatternTransaction> transactions;
};

/// Parses a whole listing. Errors ("pattern_listing"): "<line>: <what>" for a row
/// outside an attempt, a malformed row, or an attempt left open.
Result<std::vector<LaunderingAttempt>> parse_pattern_listing(std::string_view text);

/// Reads and parses a file. Errors: unreadable file, or as parse_pattern_listing.
Result<std::vector<LaunderingAttempt>> read_pattern_listing(const std::filesystem::path& path);

}  // namespace nexus::graph
