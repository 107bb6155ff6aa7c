#include "rules/keyword_matcher.hpp"

#include <hs/hs.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <limits>
#include <vector>

namespace nexus::rules {

namespace {

bool is_word_char(unsigned char c) { return std::isalnum(c) != 0 || c == '_'; }

}  // namespace

int keyword_edges(const KeywordSet::Pattern& pattern) {
  if (pattern.regex || pattern.text.empty()) return 0;
  int edges = 0;
  if (is_word_char(static_cast<unsigned char>(pattern.text.front()))) edges |= kEdgeBefore;
  if (is_word_char(static_cast<unsigned char>(pattern.text.back()))) edges |= kEdgeAfter;
  return edges;
}

KeywordDatabase::~KeywordDatabase() { hs_free_database(database); }

std::string keyword_expression(const KeywordSet::Pattern& pattern) {
  if (pattern.regex) return pattern.text;
  std::string out;
  const auto& text = pattern.text;
  // Word edges are checked on each match (see KeywordScanner), not in the expression:
  // Hyperscan has no \b in Unicode mode, and Unicode classes make compiling slow.
  bool in_space = false;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == ' ' || c == '\t') {
      // Any run of spaces in the text matches one space in the pattern.
      if (!in_space) out += "\\s+";
      in_space = true;
      continue;
    }
    in_space = false;
    if (byte < 0x80 && !is_word_char(byte)) {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

KeywordCompileOutcome compile_keywords(const KeywordSet& set) {
  KeywordCompileOutcome result;
  if (set.patterns.empty()) {
    result.error.message = "a keyword set needs at least one pattern";
    return result;
  }
  std::vector<std::string> expressions;
  std::vector<const char*> pointers;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  for (size_t i = 0; i < set.patterns.size(); ++i) {
    expressions.push_back(keyword_expression(set.patterns[i]));
  }
  for (size_t i = 0; i < expressions.size(); ++i) {
    pointers.push_back(expressions[i].c_str());
    // Edged phrases need the match's start to check the word edge before it.
    flags.push_back(
        HS_FLAG_CASELESS | HS_FLAG_UTF8 | HS_FLAG_UCP |
        (keyword_edges(set.patterns[i]) != 0 ? HS_FLAG_SOM_LEFTMOST : HS_FLAG_SINGLEMATCH));
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* database = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(pointers.data(), flags.data(), ids.data(),
                       static_cast<unsigned>(pointers.size()), HS_MODE_BLOCK, nullptr, &database,
                       &error) != HS_SUCCESS) {
    result.error.message = error && error->message ? error->message : "Hyperscan refused the set";
    result.error.pattern_index = error ? error->expression : -1;
    hs_free_compile_error(error);
    return result;
  }
  auto owned = std::make_shared<KeywordDatabase>();
  owned->database = database;
  result.database = std::move(owned);
  return result;
}

KeywordScanner::~KeywordScanner() {
  for (auto& [database, scratch] : scratch_) hs_free_scratch(scratch);
}

namespace {

struct FirstMatch {
  const KeywordSet* set = nullptr;
  std::string_view text;
  unsigned long long end = std::numeric_limits<unsigned long long>::max();
  int id = -1;
};

bool is_word_at(std::string_view text, int32_t index, bool before) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  UChar32 c = 0;
  if (before) {
    if (index <= 0) return false;
    U8_PREV(bytes, 0, index, c);
  } else {
    if (index >= length) return false;
    U8_NEXT(bytes, index, length, c);
  }
  return c >= 0 && (u_isalnum(c) || c == '_');
}

int on_match(unsigned int id, unsigned long long from, unsigned long long to,
             unsigned int /*flags*/, void* context) {
  auto* first = static_cast<FirstMatch*>(context);
  const int edges = keyword_edges(first->set->patterns[id]);
  if (((edges & kEdgeBefore) && is_word_at(first->text, static_cast<int32_t>(from), true)) ||
      ((edges & kEdgeAfter) && is_word_at(first->text, static_cast<int32_t>(to), false))) {
    return 0;  // inside a longer word: keep looking
  }
  // Matches arrive in order of end offset: keep the lowest id among the earliest ones,
  // stop once a later one arrives.
  if (first->id >= 0 && to > first->end) return 1;
  if (first->id < 0 || static_cast<int>(id) < first->id) {
    first->id = static_cast<int>(id);
    first->end = to;
  }
  return 0;
}

}  // namespace

int KeywordScanner::first_match(const KeywordSet& set, std::string_view text) {
  if (!set.database || text.empty()) return -1;
  hs_scratch_t*& scratch = scratch_[set.database.get()];
  if (scratch == nullptr && hs_alloc_scratch(set.database->database, &scratch) != HS_SUCCESS) {
    return -1;
  }
  FirstMatch first;
  first.set = &set;
  first.text = text;
  hs_scan(set.database->database, text.data(), static_cast<unsigned>(text.size()), 0, scratch,
          on_match, &first);
  return first.id;
}

}  // namespace nexus::rules
