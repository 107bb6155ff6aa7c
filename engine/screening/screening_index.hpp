// ScreeningIndex: the listed names of all loaded entries, normalised once, with an
// inverted index from name keys (exact token, consonant skeleton, skeleton with one
// character deleted, adjacent-token concatenations) to names. Candidate lookup
// touches only the postings of the query's keys, so its cost follows how common
// the query's tokens are, not the size of the lists.
//
// Immutable after build(): any number of threads may read one index at once
// (each with its own CandidateScratch). A list reload builds a new index and
// swaps a shared_ptr (co-owners: the screeners still finishing on the old one).
#pragma once

#include "engine/screening/cjk_readings.hpp"
#include "engine/screening/list_entry.hpp"
#include "engine/screening/name_normalizer.hpp"
#include "engine/screening/normalized_name.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nexus::screening {

/// One listed name (primary or alias) of one entry, normalised.
struct IndexedName {
  std::uint32_t entry = 0;       // position in ScreeningIndex::entries()
  std::uint32_t name_index = 0;  // position in ListEntry::names
  NormalizedName normalized;
  /// A customary romanisation of a Han or Hangul listed name (cjk_readings.hpp), matched
  /// by non-CJK queries only: a CJK query meets the name as written.
  bool reading = false;
};

/// Index keys are hashes of a kind byte plus text; exposed for tests.
enum class KeyKind : char { kToken = 't', kSkeleton = 'p', kDeletion = 'd' };
std::uint64_t index_key(KeyKind kind, std::string_view text);

/// One key a query looks up (working data of ScreeningIndex::candidates).
struct QueryKey {
  std::uint64_t key = 0;
  float weight = 0;
  KeyKind kind = KeyKind::kToken;
  bool variant = false;  // an alternative spelling: not part of an exact match's evidence
};

/// One key found in the index, with its posting (working data of candidates).
struct KeyHit {
  std::span<const std::uint32_t> posting;
  float weight = 0;
  bool exact = false;  // a token or skeleton key of the query itself (not a deletion)
};

/// Per-caller working memory for candidate lookup: after the first few queries,
/// lookups allocate nothing.
struct CandidateScratch {
  std::vector<float> evidence;              // per name; zero between lookups
  std::vector<std::uint64_t> touched_bits;  // per name, evidence > 0; zero between lookups
  std::vector<std::uint32_t> touched;
  std::vector<QueryKey> keys;
  std::vector<KeyHit> hits;
};

/// One candidate name and the index evidence that selected it.
struct Candidate {
  std::uint32_t name = 0;
  float evidence = 0;
};

struct IndexLimits {
  /// Keys with more postings than this are skipped when the query has rarer keys
  /// (stop-word cut-off: "mohammed" alone does not select thousands). Default: 4000.
  std::size_t max_posting_length = 4000;
  /// Index the customary romanisations of Han and Hangul listed names as extra names of
  /// their entry (cjk_readings.hpp), read through the Hanja table at hanja_path (missing:
  /// no Korean reading of Han names, see cjk_status()). Default: true, kDefaultHanjaPath.
  bool cjk_readings = true;
  std::string hanja_path = std::string(kDefaultHanjaPath);
};

class ScreeningIndex {
 public:
  /// Normalises every name of every entry and builds the postings. Cost: one
  /// normalisation per name (ICU only for non-ASCII names); ~1 s per 100k names.
  static std::unique_ptr<ScreeningIndex> build(std::vector<ListEntry> entries,
                                               NameNormalizer& normalizer, IndexLimits limits = {});

  const std::vector<ListEntry>& entries() const { return entries_; }
  const std::vector<IndexedName>& names() const { return names_; }
  std::size_t key_count() const { return key_count_; }
  /// The CJK reading tables the index was built with (queries read Han/Hangul names
  /// with them), and why the Hanja table is missing ("" when loaded).
  const CjkReadings& cjk() const { return cjk_; }
  const std::string& cjk_status() const { return cjk_status_; }

  /// How much a listed token says about who is meant, in bits: log2 of the entries of
  /// one kind (persons, or everything else) over those of that kind with the token in
  /// any of their names. The list stands in for the population of names: "lopez" is on
  /// 49 of 5,350 persons (6.8 bits), "laden" on 4 (10.4). 0 for a token no entry of
  /// that kind holds, or an id of no listed token (query tokens have id 0). O(1).
  double token_information(std::uint32_t token_id, bool person) const;

  /// Up to max_candidates names sharing keys with query, best evidence first;
  /// names with less than min_share of the evidence an exact match would collect
  /// (or less than a fifth of the best candidate's) are dropped.
  void candidates(const NormalizedName& query, std::size_t max_candidates, double min_share,
                  CandidateScratch& scratch, std::vector<Candidate>& out) const;

 private:
  ScreeningIndex() = default;
  using BuildPostings = std::unordered_map<std::uint64_t, std::vector<std::uint32_t>>;
  void add_keys(std::uint32_t name_id, BuildPostings& postings) const;
  void freeze(BuildPostings postings);
  /// The names holding key, ascending; empty when none. One probe, usually one
  /// cache miss. idf (when not null) receives log(1 + names / posting length).
  std::span<const std::uint32_t> posting(std::uint64_t key, float* idf = nullptr) const;

  // Postings frozen after build: an open-addressing table of (key, offset, length)
  // into one array of name ids.
  struct Slot {
    std::uint64_t key = 0;  // 0 = empty (index_key never returns 0)
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
    float idf = 0;  // inverse document frequency of the key, computed at build
  };
  std::vector<ListEntry> entries_;
  std::vector<IndexedName> names_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> ids_;
  std::size_t key_count_ = 0;
  IndexLimits limits_;
  CjkReadings cjk_;
  std::string cjk_status_;
  std::array<std::vector<float>, 2> token_bits_;  // by token id; [0] persons, [1] the rest
};

}  // namespace nexus::screening
