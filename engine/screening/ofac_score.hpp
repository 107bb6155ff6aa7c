// OfacScore: an emulation of the score OFAC's Sanctions List Search
// (sanctionssearch.ofac.treas.gov) reports for a query name against a listed name, so a
// monitor can answer "what would the OFAC tool say about this name?".
//
// OFAC documents the tool as "character and string matching, Jaro-Winkler and Soundex"
// over the whole name and over its parts (FAQ 249), the higher of the two winning. The
// observed behaviour, measured against 170 scores read off the tool
// (../shared/data/names/nomenklatura_ofac_search_scores.csv, as analysed by
// opensanctions/nomenklatura's `ofac` matcher), is reproduced by:
//   * tokens: split on spaces and punctuation, apostrophes/periods/commas deleted
//     (O'BRIEN is one token), upper-cased (ASCII; other bytes compare as written);
//   * whole name: Jaro-Winkler of the space-joined tokens, with the Winkler prefix bonus
//     whatever the Jaro score (SimMetrics-style), and 0 unless the two names begin
//     with the same letter (GEORGE BUSH finds GEORGIOU, Georgios; BUSH GEORGE does not);
//   * name parts: query tokens of two letters or fewer are dropped (unless that leaves
//     none: KIM JONG UN is compared as KIM JONG); each remaining query token takes its
//     best Jaro-Winkler over the listed tokens, 0 below 0.5; the mean over query tokens;
//   * score = the higher of the two, 0..1 (the tool shows it x100, rounded).
// It is asymmetric (query and listed name play different parts) and, being the tool's
// own quirks, a poor matcher in its own right: one shared given name scores 0.90
// (VLADIMIR PUTIN / VLADIMIR BILIY). It is for reproducing the tool, not for recall.
//
// Pure functions; thread-safe; no state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nexus::screening {

/// A name cut into the tool's tokens (see above), kept with their space-joined form.
struct OfacName {
  std::vector<std::string> tokens;
  std::string joined;
};

/// The tool's tokens of `name`. Cost: O(|name|).
OfacName ofac_tokens(std::string_view name);

/// The two parts of the tool's score and their maximum, each 0..1.
struct OfacScore {
  double whole_name = 0;  // whole-string Jaro-Winkler, gated on the first letter
  double name_parts = 0;  // mean best Jaro-Winkler of the query's name parts
  double total() const { return whole_name > name_parts ? whole_name : name_parts; }
};

/// The tool's score of `query` against `listed`. Cost: O(|query| * |listed|).
OfacScore ofac_score(const OfacName& query, const OfacName& listed);

/// Convenience: tokenises both names, then scores them.
OfacScore ofac_score(std::string_view query, std::string_view listed);

/// The tool's tokens of many listed names with each distinct token kept once, so that a
/// query is compared with each distinct token once rather than once per name (on UN +
/// OFAC SDN: 27,527 names, about 20,000 distinct tokens). Build with add(), then
/// score_all() from any number of threads (const).
class OfacNameTable {
 public:
  /// Appends a listed name; names are numbered in the order added. Cost: O(|name|).
  void add(std::string_view name);
  std::size_t size() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  const std::string& joined(std::size_t i) const { return joined_[i]; }

  /// out[i] = ofac_score(query, name i), exactly. Cost: one Jaro-Winkler per kept query
  /// token and distinct listed token, plus one whole-name Jaro-Winkler per name that
  /// starts with the query's letter.
  void score_all(const OfacName& query, std::vector<OfacScore>& out) const;

 private:
  std::vector<std::string> vocabulary_;
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::vector<std::uint32_t> token_ids_;  // the names' tokens, name after name
  std::vector<std::uint32_t> offsets_;    // name i's tokens: [offsets_[i], offsets_[i + 1])
  std::vector<std::string> joined_;
};

}  // namespace nexus::screening
