// Result<T>: the value-or-error type for expected failures (bad input, bad rule
// file, broker unreachable, state I/O). Header-only, thread-compatible.
#pragma once

#include <boost/outcome/result.hpp>
#include <boost/outcome/try.hpp>

#include <string>
#include <system_error>
#include <utility>

namespace nexus {

namespace outcome = BOOST_OUTCOME_V2_NAMESPACE;

/// An error a user can act on: a short machine-readable code and a plain message,
/// e.g. code "rule_syntax", message "packs/tf.yaml:14:7: unknown field ...".
struct Error {
  std::string code;
  std::string message;
};

/// Lets Boost.Outcome treat Error as an error type (it needs a way to build a
/// std::error_code for its exception policy; we only ever read the Error back).
inline std::error_code make_error_code(const Error&) {
  return std::make_error_code(std::errc::invalid_argument);
}

template <class T>
using Result = outcome::result<T, Error, outcome::policy::terminate>;

inline Error make_error(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

}  // namespace nexus

#define NEXUS_TRY BOOST_OUTCOME_TRY
