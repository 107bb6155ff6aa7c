// NameScreener: the production Screener. Normalises the party's name, asks the
// ScreeningIndex for candidates, scores each with NameScorer, folds in secondary
// evidence (date of birth, country, identifier, party type), drops allow-listed
// hits and returns the best per entry, each with its explanation.
//
// Lifecycle: built over a shared, immutable index (shared_ptr: co-owned with the
// list loader that may swap in a newer index; swap with set_index()). Owns its
// NameNormalizer (ICU) and LRU cache, so it is NOT thread-safe: one per engine
// thread, called from that thread only. Deterministic for a given index and config.
#pragma once

#include "engine/screener.hpp"
#include "engine/screening/allow_list.hpp"
#include "engine/screening/country_resolver.hpp"
#include "engine/screening/name_normalizer.hpp"
#include "engine/screening/name_scorer.hpp"
#include "engine/screening/screening_cache.hpp"
#include "engine/screening/screening_config.hpp"
#include "engine/screening/screening_index.hpp"
#include "engine/screening/screening_match.hpp"

#include <memory>
#include <string>
#include <vector>

namespace nexus::screening {

/// The list entry type a payment's party type screens against (unknown for the others).
EntryType entry_type_of(nexus::v1::PartyType type);

class NameScreener final : public engine::Screener {
 public:
  /// Errors: "icu" when the transliterator cannot be built.
  static Result<std::unique_ptr<NameScreener>> create(std::shared_ptr<const ScreeningIndex> index,
                                                      ScreeningConfig config = {},
                                                      AllowList allow_list = {});

  /// engine::Screener: hits at or above the threshold, best first, allow-listed
  /// ones removed. Cached. Never throws.
  std::vector<engine::ScreeningHit> screen(const nexus::v1::Party& party) override;

  /// Matches at or above the threshold (allow-listed ones included, marked
  /// suppressed_by), best first, with explanations. Cached.
  const std::vector<ScreeningMatch>& screen_query(const ScreeningQuery& query);

  /// Uncached: every scored entry with a score >= min_score, best first, at most
  /// limit. For quality reports and threshold tuning. Never throws.
  std::vector<ScreeningMatch> score_all(const ScreeningQuery& query, double min_score,
                                        std::size_t limit);

  /// Swaps in a new index (after a list reload) and clears the cache.
  void set_index(std::shared_ptr<const ScreeningIndex> index);
  const ScreeningIndex& index() const { return *index_; }
  const ScreeningConfig& config() const { return config_; }
  NameNormalizer& normalizer() { return normalizer_; }
  const ScreeningCache& cache() const { return cache_; }

 private:
  NameScreener(std::shared_ptr<const ScreeningIndex> index, ScreeningConfig config,
               AllowList allow_list, NameNormalizer normalizer);
  std::string cache_key(const ScreeningQuery& query) const;
  /// ScreeningMatch::corroborated_by from the evidence adjustments of one hit.
  std::string corroboration(double dob, double country, double identifier,
                            const ListEntry& entry) const;
  /// The secondary-evidence adjustments of one listed name (ScreeningConfig).
  struct Evidence {
    double dob = 0;
    double country = 0;
    double identifier = 0;
    double type = 0;
    double alias = 0;
  };
  Evidence evidence(const ScreeningQuery& query, const std::string& query_country,
                    const std::string& query_id, const ListEntry& entry,
                    const ListedName& listed_name) const;
  /// score_all under ScoringProfile::kOfac: every indexed name by the tool's score.
  std::vector<ScreeningMatch> score_all_ofac(const ScreeningQuery& query, double min_score,
                                             std::size_t limit);
  /// ScreeningMatch::name_information_bits: the information of the listed name
  /// tokens that name's pairs matched.
  double name_information(const NormalizedName& listed, const NameScore& name,
                          EntryType entry_type) const;

  std::shared_ptr<const ScreeningIndex> index_;
  ScreeningConfig config_;
  AllowList allow_list_;
  NameNormalizer normalizer_;
  NameScorer scorer_;
  CountryResolver countries_;
  ScreeningCache cache_;
  CandidateScratch scratch_;
  PairMemo pair_memo_;
  std::vector<Candidate> candidates_;
  OfacNameTable ofac_names_;  // ScoringProfile::kOfac: the tool's tokens of every indexed name
  std::vector<OfacScore> ofac_scores_;    // ScoringProfile::kOfac: per indexed name, reused
  std::vector<ScreeningMatch> uncached_;  // result holder when the cache is disabled
};

}  // namespace nexus::screening
