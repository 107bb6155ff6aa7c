// `nexus screen` and `nexus lists`: sanctions screening from the command line.
//
//   nexus screen "NAME" [--dob D] [--country CC] [--type person|entity|vessel] [--json]
//   nexus screen --file NAMES.txt            (NDJSON out, one object per input line, in order)
//   nexus lists import FILE... [--json]      (format from content; prints added/removed/changed)
//   nexus lists status
//
// All take --data-dir DIR (default ./nexus-data), where `lists import` keeps the
// versioned list index. Callbacks run on the main thread.
//
// `nexus screen` exits like grep, so scripts can branch on it: 0 when a name matched
// (a hit at the threshold, not allow-listed; with --file: any line), 1 when none did,
// 2 on trouble (a bad option or value, no lists imported, an unreadable file).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace nexus::app {

inline constexpr int kScreenMatch = 0;
inline constexpr int kScreenNoMatch = 1;
inline constexpr int kScreenError = 2;

void add_screening_commands(CLI::App& app);

/// The exit status of `nexus screen` for the ParseError its parse raised: our own
/// RuntimeErrors keep their code (1 no match, 2 trouble), --help is 0, and anything CLI11
/// refuses itself (a bad value, an unknown option) is kScreenError instead of CLI11's 105-110.
int screen_exit_code(const CLI::ParseError& e);

/// Why `value` is not a date of birth `nexus screen --dob` takes, or empty: YYYY, YYYY-MM or
/// YYYY-MM-DD (a real calendar day), years 1900-2099. Partial dates are kept partial: a
/// year compares with the listed years, a month with the listed months.
std::string dob_problem(const std::string& value);

}  // namespace nexus::app
