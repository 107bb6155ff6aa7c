// NameScorer: similarity of two normalised names in 0..1, with its components,
// so every hit can say why it scored what it scored. Stateless apart from the
// config; thread-safe; cost O(tokens_a * tokens_b) Jaro-Winkler calls.
#pragma once

#include "engine/screening/normalized_name.hpp"
#include "engine/screening/screening_config.hpp"

#include <cstdint>
#include <vector>

namespace nexus::screening {

/// One query token paired with one listed token.
struct TokenPair {
  std::uint8_t query_token;
  std::uint8_t listed_token;
  float similarity;
};

struct NameScore {
  double token = 0;            // weighted token-set similarity (query and listed coverage blended)
  double jaro_winkler = 0;     // Jaro-Winkler of the sorted token strings
  double phonetic = 0;         // weighted Dice agreement of paired tokens' consonant skeletons
  double compact = 0;          // Jaro-Winkler of the separator-free forms (split/merged tokens)
  double total = 0;            // the blended name score
  bool compound_form = false;  // pairs refer to the compound-joined tokens
  bool partial = false;        // stopped early: total is an upper bound below min_total
  std::vector<TokenPair> pairs;
};

class NameScorer {
 public:
  explicit NameScorer(const ScreeningConfig& config) : config_(config) {}

  /// Scores query against listed. Both must come from NameNormalizer. When the
  /// score cannot reach min_total, may stop early (partial, total an upper bound
  /// below min_total). Never throws.
  NameScore score(const NormalizedName& query, const NormalizedName& listed,
                  double min_total = 0.0) const;

  /// Weight of one token in coverage sums (name 1.0, particle/honorific/legal form
  /// per config, initials as particles).
  double token_weight(const NameToken& token) const;

 private:
  struct Alignment {
    double token = 0;
    double phonetic = 0;
    std::vector<TokenPair> pairs;
  };
  Alignment align(const std::vector<NameToken>& query, const std::vector<NameToken>& listed,
                  bool consonant_only) const;
  double token_similarity(const NameToken& a, const NameToken& b, bool consonant_only) const;
  ScreeningConfig config_;
};

}  // namespace nexus::screening
