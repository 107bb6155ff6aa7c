#include "engine/screening/name_scorer.hpp"

#include "engine/screening/jaro_winkler.hpp"

#include <algorithm>
#include <array>
#include <bit>

namespace nexus::screening {
namespace {

// Names longer than this many tokens are scored on their first kMaxTokens tokens
// (list names have at most ~10; this bounds the pairing work).
constexpr std::size_t kMaxTokens = 16;

}  // namespace

double NameScorer::token_weight(const NameToken& token) const {
  switch (token.role) {
    case TokenRole::kParticle:
      return config_.particle_weight;
    case TokenRole::kHonorific:
      return config_.honorific_weight;
    case TokenRole::kLegalForm:
      return config_.legal_form_weight;
    case TokenRole::kName:
      break;
  }
  return token.text.size() == 1 ? config_.particle_weight : 1.0;
}

double NameScorer::token_similarity(const NameToken& a, const NameToken& b,
                                    bool consonant_only) const {
  if (a.text == b.text) return 1.0;
  if (a.skeleton != b.skeleton && !consonant_only) {
    // Cheap bounds first: lengths, then shared letters (see NameToken::signature).
    if (jaro_winkler_upper_bound(a.text.size(), b.text.size()) < config_.min_token_similarity) {
      return 0.0;
    }
    if (!a.signature_saturated && !b.signature_saturated) {
      const auto m = static_cast<double>(std::popcount(a.signature & b.signature));
      const double j = (m / static_cast<double>(a.text.size()) +
                        m / static_cast<double>(b.text.size()) + (m > 0 ? 1.0 : 0.0)) /
                       3.0;
      if (j + 0.4 * (1.0 - j) < config_.min_token_similarity) return 0.0;
    }
  }
  double sim = jaro_winkler(a.text, b.text);
  if (consonant_only) {
    // Abjad sources carry almost no vowels: compare consonant skeletons instead.
    // Short skeletons agree by chance too often to count unless equal.
    if (a.skeleton == b.skeleton) return std::max(sim, config_.abjad_skeleton_similarity);
    if (a.skeleton.size() >= 3 && b.skeleton.size() >= 3) {
      const double skeleton_sim = jaro_winkler(a.skeleton, b.skeleton);
      if (skeleton_sim >= 0.9)
        sim = std::max(sim, skeleton_sim * config_.abjad_skeleton_similarity);
    }
    // The bare consonants too: the skeleton's digraph rules misread s+h as "sh"
    // (Sahraoui, shrawy) and dh as one letter (Romdhane, rmdan).
    if (a.consonants.size() >= 3 && b.consonants.size() >= 3) {
      const double consonant_sim = jaro_winkler(a.consonants, b.consonants);
      if (consonant_sim >= 0.9) {
        sim = std::max(sim, consonant_sim * config_.abjad_skeleton_similarity);
      }
    }
  } else if (a.skeleton == b.skeleton && a.skeleton.size() >= 2 && sim >= 0.75) {
    // Same sounds, different spelling (Mohamed / Muhammad); the spelling floor keeps
    // unrelated short names with equal skeletons apart (Sem / Osamu).
    sim = std::max(sim, config_.skeleton_match_similarity);
  }
  // Short tokens are a letter apart from other words far more often than they are
  // misspelt (Iran / Iraq, Ali / Ari): they need a higher bar unless they sound alike.
  const bool short_token = a.text.size() <= 4 || b.text.size() <= 4;
  const double floor = short_token && a.skeleton != b.skeleton && !consonant_only
                           ? config_.short_token_min_similarity
                           : config_.min_token_similarity;
  return sim >= floor ? sim : 0.0;
}

NameScorer::Alignment NameScorer::align(const std::vector<NameToken>& query,
                                        const std::vector<NameToken>& listed,
                                        bool consonant_only) const {
  Alignment out;
  const std::size_t nq = std::min(query.size(), kMaxTokens);
  const std::size_t nl = std::min(listed.size(), kMaxTokens);
  if (nq == 0 || nl == 0) return out;

  // All pairs above the floor, best first; greedy one-to-one assignment.
  // Left uninitialised on purpose: only the first n_candidates are ever read.
  TokenPair candidates[kMaxTokens * kMaxTokens];
  std::size_t n_candidates = 0;
  for (std::size_t i = 0; i < nq; ++i) {
    for (std::size_t j = 0; j < nl; ++j) {
      const double sim = token_similarity(query[i], listed[j], consonant_only);
      if (sim > 0) {
        candidates[n_candidates++] = TokenPair{
            static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(j), static_cast<float>(sim)};
      }
    }
  }
  std::sort(candidates, candidates + n_candidates, [](const TokenPair& a, const TokenPair& b) {
    if (a.similarity != b.similarity) return a.similarity > b.similarity;
    // Ties: keep input order so a name pairs with itself positionally.
    if (a.query_token != b.query_token) return a.query_token < b.query_token;
    return a.listed_token < b.listed_token;
  });
  std::array<bool, kMaxTokens> q_used{};
  std::array<bool, kMaxTokens> l_used{};
  double q_matched = 0, l_matched = 0;
  double phonetic_matched = 0;
  for (std::size_t k = 0; k < n_candidates; ++k) {
    const TokenPair& p = candidates[k];
    if (q_used[p.query_token] || l_used[p.listed_token]) continue;
    q_used[p.query_token] = l_used[p.listed_token] = true;
    const NameToken& qt = query[p.query_token];
    const NameToken& lt = listed[p.listed_token];
    q_matched += token_weight(qt) * p.similarity;
    l_matched += token_weight(lt) * p.similarity;
    // Phonetic agreement is graded, so one typo costs part of one token, not all of it.
    const double skeleton_sim =
        qt.skeleton == lt.skeleton ? 1.0 : jaro_winkler(qt.skeleton, lt.skeleton);
    if (skeleton_sim >= config_.min_token_similarity) {
      phonetic_matched += (token_weight(qt) + token_weight(lt)) * skeleton_sim;
    }
    if (out.pairs.empty()) out.pairs.reserve(std::min(nq, nl));
    out.pairs.push_back(p);
  }
  double q_total = 0, l_total = 0;
  for (std::size_t i = 0; i < nq; ++i) q_total += token_weight(query[i]);
  for (std::size_t j = 0; j < nl; ++j) l_total += token_weight(listed[j]);
  const double q_cov = q_total > 0 ? q_matched / q_total : 0;
  const double l_cov = l_total > 0 ? l_matched / l_total : 0;
  const double share =
      consonant_only ? config_.abjad_query_coverage_share : config_.query_coverage_share;
  out.token = share * q_cov + (1.0 - share) * l_cov;
  out.phonetic = q_total + l_total > 0 ? phonetic_matched / (q_total + l_total) : 0;
  return out;
}

NameScore NameScorer::score(const NormalizedName& query, const NormalizedName& listed,
                            double min_total) const {
  NameScore out;
  if (query.empty() || listed.empty()) return out;
  // Only an abjad query against a vowelled (Latin-script) listed name needs the
  // consonant view; a Latin query has the entry's Latin names to match.
  const bool consonant_only = query.abjad_source && !listed.abjad_source;

  Alignment best = align(query.tokens, listed.tokens, consonant_only);
  if (!query.compound_tokens.empty() || !listed.compound_tokens.empty()) {
    // Compounds joined on either side ("Abd al-Rahman" / "Abdulrahman").
    const auto& q = query.compound_tokens.empty() ? query.tokens : query.compound_tokens;
    const auto& l = listed.compound_tokens.empty() ? listed.tokens : listed.compound_tokens;
    Alignment joined = align(q, l, consonant_only);
    if (joined.token + joined.phonetic > best.token + best.phonetic) {
      best = std::move(joined);
      out.compound_form = true;
    }
  }
  out.token = best.token;
  out.phonetic = best.phonetic;
  out.pairs = std::move(best.pairs);
  // Early out: even perfect whole-string similarity cannot lift this pair to
  // min_total, and the separator-free override needs the same first letter.
  const double ceiling = config_.token_weight * out.token + config_.jaro_winkler_weight +
                         config_.phonetic_weight * out.phonetic;
  const bool compact_possible =
      consonant_only
          ? query.skeleton_compact.size() >= 8 &&
                query.skeleton_compact.size() == listed.skeleton_compact.size()
          : !query.compact.empty() && !listed.compact.empty() &&
                query.compact[0] == listed.compact[0] &&
                jaro_winkler_upper_bound(query.compact.size(), listed.compact.size()) >= 0.96;
  if (ceiling < min_total && !compact_possible) {
    out.total = ceiling;
    out.partial = true;
    return out;
  }
  // Without vowels on one side, whole-string similarity is only meaningful on skeletons.
  out.jaro_winkler = consonant_only ? jaro_winkler(query.skeleton_sorted, listed.skeleton_sorted)
                                    : jaro_winkler(query.sorted, listed.sorted);
  out.compact = consonant_only ? jaro_winkler(query.skeleton_compact, listed.skeleton_compact)
                               : jaro_winkler(query.compact, listed.compact);
  out.total = config_.token_weight * out.token + config_.jaro_winkler_weight * out.jaro_winkler +
              config_.phonetic_weight * out.phonetic;
  // Split or merged tokens in the same order ("Abdul Hai" / "Abdulhai") defeat the
  // token pairing; a near-identical separator-free form stands in for it. For
  // consonant skeletons only when long and identical: without vowels, short
  // unrelated names collide too easily.
  // Only when the word boundaries differ ("al tikriti" / "alt ikriti", "abdul hai" /
  // "abdulhai"): with the same boundaries a near-equal joined string is a near-equal
  // name (Iran / Iraq), not a spacing variant.
  bool split_or_merged = query.tokens.size() != listed.tokens.size();
  for (std::size_t i = 0; !split_or_merged && i < query.tokens.size(); ++i) {
    split_or_merged = query.tokens[i].text.size() != listed.tokens[i].text.size();
  }
  if (!consonant_only && split_or_merged && out.compact >= 0.96) {
    out.total = std::max(out.total, out.compact - 0.02);
  } else if (consonant_only && out.compact >= 0.99 && query.skeleton_compact.size() >= 8) {
    out.total = std::max(out.total, config_.abjad_skeleton_similarity);
  }
  out.total = std::clamp(out.total, 0.0, 1.0);
  return out;
}

}  // namespace nexus::screening
