// Parser for rule conditions: a small expression language with and/or/not,
// comparisons, `in` lists, string tests, arithmetic and a few functions.
// Produces an untyped Expr tree; the compiler resolves names and checks types.
// Pure function, thread-safe.
#pragma once

#include "rules/rule_set.hpp"

#include "base/result.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace nexus::rules {

/// A syntax error at a byte offset of the condition text.
struct ParseError {
  size_t offset = 0;
  std::string message;
};

/// Parse output before name resolution. Identifiers come back as Expr::Kind::kField
/// with only `field.path` set, or as kAggregate with `string` = aggregate name and
/// `field.path` = measure name (and args[0] the key override when written as
/// agg.NAME[expr].MEASURE). Each node's `pos.column` holds its byte offset.
struct ParseOutcome {
  std::unique_ptr<Expr> expr;
  ParseError error;
  bool ok() const { return expr != nullptr; }
};

/// Limits that keep parsing, type-checking and evaluation linear and their recursion
/// shallow, whatever the text: a condition longer, more nested or deeper is refused.
inline constexpr size_t kMaxConditionBytes = 64 * 1024;
/// Parentheses, `not`, unary minus, calls and brackets inside one another.
inline constexpr int kMaxConditionNesting = 64;
/// Height of the expression tree: a chain of N `and`/`or` terms is N deep.
inline constexpr int kMaxConditionDepth = 256;

ParseOutcome parse_expression(std::string_view text);

}  // namespace nexus::rules
