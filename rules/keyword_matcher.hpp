// Keyword sets compiled into one Hyperscan database each: every pattern of a set
// is searched in a single pass over the text, whatever the number of patterns,
// languages or scripts. Matching is case-insensitive over UTF-8 (Unicode
// properties on); a pattern that begins or ends with a Latin letter or digit must
// match a whole word there, while patterns in other scripts match inside words
// (Arabic attaches prefixes such as و and ال to the word). Word edges are checked
// on each match with ICU's character properties.
//
// Threading: a KeywordDatabase is immutable and shared; a KeywordScanner holds
// Hyperscan scratch space and belongs to one thread.
#pragma once

#include "rules/rule_set.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>

struct hs_database;
struct hs_scratch;

namespace nexus::rules {

struct KeywordDatabase {
  hs_database* database = nullptr;
  ~KeywordDatabase();
};

/// A pattern Hyperscan refused, with the index of the pattern in the set.
struct KeywordCompileError {
  int pattern_index = -1;  // -1 when the error is not about one pattern
  std::string message;
};

struct KeywordCompileOutcome {
  std::shared_ptr<const KeywordDatabase> database;  // null on failure
  KeywordCompileError error;
};

/// Compiles the set's patterns. On failure says which pattern and why.
KeywordCompileOutcome compile_keywords(const KeywordSet& set);

/// Which word edges a phrase must sit on: a phrase that begins (ends) with a Latin letter,
/// digit or underscore must not have a letter or digit (any script) right before (after)
/// it. Checked on each match, in Unicode.
inline constexpr int kEdgeBefore = 1;
inline constexpr int kEdgeAfter = 2;
int keyword_edges(const KeywordSet::Pattern& pattern);

/// The Hyperscan expression a written pattern becomes (for docs and tests).
std::string keyword_expression(const KeywordSet::Pattern& pattern);

class KeywordScanner {
 public:
  KeywordScanner() = default;
  ~KeywordScanner();
  KeywordScanner(const KeywordScanner&) = delete;
  KeywordScanner& operator=(const KeywordScanner&) = delete;

  /// Index of the pattern that matches earliest in `text` (ties: the lowest index),
  /// or -1 when none does. Deterministic for a given set and text.
  int first_match(const KeywordSet& set, std::string_view text);

 private:
  std::map<const KeywordDatabase*, hs_scratch*> scratch_;
};

}  // namespace nexus::rules
