// NameScorer: similarity of two normalised names in 0..1, with its components,
// so every hit can say why it scored what it scored. Stateless apart from the
// config; thread-safe; cost O(tokens_a * tokens_b) Jaro-Winkler calls.
#pragma once

#include "engine/screening/normalized_name.hpp"
#include "engine/screening/screening_config.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace nexus::screening {

/// One query token paired with one listed token.
struct TokenPair {
  std::uint8_t query_token;
  std::uint8_t listed_token;
  float similarity;
};

/// The token pairs of one alignment, held inline so that scoring a candidate
/// allocates nothing. At most kCapacity pairs (names are cut at 16 tokens a side).
class TokenPairs {
 public:
  static constexpr std::size_t kCapacity = 32;
  // Only the pairs held are copied: a score is built, copied and moved a few times per
  // candidate, and the whole array (384 bytes) each time was a tenth of the scorer's cost.
  TokenPairs() = default;
  TokenPairs(const TokenPairs& other) : size_(other.size_) {
    std::copy_n(other.items_.begin(), size_, items_.begin());
  }
  TokenPairs& operator=(const TokenPairs& other) {
    if (this == &other) return *this;
    size_ = other.size_;
    std::copy_n(other.items_.begin(), size_, items_.begin());
    return *this;
  }
  TokenPairs(TokenPairs&& other) noexcept : TokenPairs(static_cast<const TokenPairs&>(other)) {}
  TokenPairs& operator=(TokenPairs&& other) noexcept {
    return *this = static_cast<const TokenPairs&>(other);
  }
  ~TokenPairs() = default;
  void push_back(const TokenPair& p) {
    if (size_ < kCapacity) items_[size_++] = p;
  }
  template <class Predicate>
  void erase_if(Predicate remove) {
    std::size_t kept = 0;
    for (std::size_t k = 0; k < size_; ++k) {
      if (!remove(items_[k])) items_[kept++] = items_[k];
    }
    size_ = static_cast<std::uint8_t>(kept);
  }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const TokenPair* begin() const { return items_.data(); }
  const TokenPair* end() const { return items_.data() + size_; }

 private:
  std::array<TokenPair, kCapacity> items_;  // the first size_ are set; the rest never read
  std::uint8_t size_ = 0;
};

/// Token-pair similarities of one query, remembered across the candidates it is
/// scored against: they share most of their tokens (they were chosen for sharing
/// keys with the query), so most pairs repeat. Keyed by the query token's position
/// and the listed token's interned id (NameToken::id). Fixed size; a full table
/// overwrites. Scores are the same with or without it. Not thread-safe: one per
/// screener; start_query() before each query.
class PairMemo {
 public:
  PairMemo() : slots_(kSlots) {}
  void start_query() {
    if (++generation_ == 0) {  // wrapped: forget everything
      for (auto& s : slots_) s.generation = 0;
      generation_ = 1;
    }
  }
  bool find(std::uint64_t key, float& value) const {
    const Slot& s = slots_[slot(key)];
    if (s.generation != generation_ || s.key != key) return false;
    value = s.value;
    return true;
  }
  void store(std::uint64_t key, float value) { slots_[slot(key)] = Slot{key, generation_, value}; }

 private:
  static constexpr std::size_t kSlots = 4096;  // power of two
  static std::size_t slot(std::uint64_t key) {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> 40) & (kSlots - 1);
  }
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t generation = 0;
    float value = 0;
  };
  std::vector<Slot> slots_;
  std::uint32_t generation_ = 1;
};

struct NameScore {
  double token = 0;            // weighted token-set similarity (query and listed coverage blended)
  double jaro_winkler = 0;     // Jaro-Winkler of the sorted token strings
  double phonetic = 0;         // weighted Dice agreement of paired tokens' consonant skeletons
  double compact = 0;          // Jaro-Winkler of the separator-free forms (split/merged tokens)
  double total = 0;            // the blended name score
  bool compound_form = false;  // pairs refer to the compound-joined tokens
  bool partial = false;        // stopped early: total is an upper bound below min_total
  TokenPairs pairs;
};

class NameScorer {
 public:
  explicit NameScorer(const ScreeningConfig& config) : config_(config) {}

  /// Scores query against listed. Both must come from NameNormalizer. When the
  /// score cannot reach min_total, may stop early (partial, total an upper bound
  /// below min_total). memo (optional, the caller's, started for this query)
  /// saves repeated token comparisons; the result is the same without it.
  /// Never throws.
  NameScore score(const NormalizedName& query, const NormalizedName& listed, double min_total = 0.0,
                  PairMemo* memo = nullptr) const;

  /// Weight of one token in coverage sums (name 1.0, particle/honorific/legal form
  /// per config, initials as particles).
  double token_weight(const NameToken& token) const;

 private:
  struct Alignment {
    double token = 0;
    double phonetic = 0;
    TokenPairs pairs;
  };
  Alignment align(const std::vector<NameToken>& query, const std::vector<NameToken>& listed,
                  bool consonant_only, bool query_compound, PairMemo* memo) const;
  double token_similarity(const NameToken& a, const NameToken& b, bool consonant_only) const;
  /// Latin tokens (not consonant_only): an upper bound on token_similarity(a, b, false)
  /// from lengths, shared letters and the Winkler prefix, without Jaro-Winkler. O(1).
  double token_similarity_bound(const NameToken& a, const NameToken& b) const;
  /// What token_similarity(a, b, true) decides for an Arabic-script token a before
  /// aligning its letters: the similarity, or -1 when the alignment decides (floor
  /// then holds the alignment's floor).
  double abjad_verdict(const NameToken& a, const NameToken& b, double& floor) const;
  /// Arabic-script query tokens against Latin ones: an upper bound on
  /// token_similarity(a, b, true) from roles and spellable letters, without aligning.
  double abjad_token_similarity_bound(const NameToken& a, const NameToken& b) const;
  /// An upper bound on token + phonetic agreement of align(query, listed, ...),
  /// weighted as score() weighs them (the ceiling before the whole-name terms), or a
  /// value >= 1 when it cannot be bounded this way (a particle glued to a word may pair
  /// several tokens at once). Lets score() drop most candidates before aligning them.
  /// memo (may be null): a pair whose similarity it holds counts at that value.
  double alignment_ceiling(const std::vector<NameToken>& query,
                           const std::vector<NameToken>& listed, bool consonant_only,
                           bool query_compound, const PairMemo* memo) const;
  /// Names longer than this many tokens are scored on their first kMaxTokens
  /// (list names have at most ~10; this bounds the pairing work).
  static constexpr std::size_t kMaxTokens = 16;
  /// Who is paired with whom in one alignment, with each token's credit
  /// (defined in name_scorer.cpp).
  struct Pairing;
  /// Arabic-script query tokens: two adjacent tokens of one side joined against
  /// one token of the other ("ولی جان" / WALIJAN).
  void merge_split_tokens(const std::vector<NameToken>& query, const std::vector<NameToken>& listed,
                          std::size_t nq, std::size_t nl, Pairing& pairing, bool query_compound,
                          PairMemo* memo) const;
  /// Latin text: a particle (or a run of them) and the name after it, on either
  /// side, against one glued token of the other side, wherever each stands
  /// ("Usama Binladin" / BIN LADIN, Usama; "Vandenberg" / VAN DEN BERG).
  void merge_glued_particles(const std::vector<NameToken>& query,
                             const std::vector<NameToken>& listed, std::size_t nq, std::size_t nl,
                             Pairing& pairing) const;
  ScreeningConfig config_;
};

}  // namespace nexus::screening
