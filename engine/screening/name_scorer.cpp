#include "engine/screening/name_scorer.hpp"

#include "engine/screening/abjad_alignment.hpp"
#include "engine/screening/jaro_winkler.hpp"
#include "engine/screening/name_particles.hpp"
#include "engine/screening/phonetic_key.hpp"

#include <algorithm>
#include <array>
#include <bit>

namespace nexus::screening {
namespace {

enum class MemoKind : std::uint64_t { kPair = 1, kJoinedQuery = 2, kJoinedListed = 3 };

// A PairMemo key that names its comparison exactly: what is compared (a token
// pair, two joined query tokens i and i+1 against listed token a, one query token
// i against listed tokens a and b joined), the listed tokens' interned ids, the
// query token's position and form, and the comparison mode. 0 (not remembered)
// when an id is missing or too large to pack.
std::uint64_t memo_key(MemoKind kind, std::uint32_t a, std::uint32_t b, std::size_t i,
                       bool query_compound, bool consonant_only) {
  constexpr std::uint32_t kIdLimit = 1U << 24;
  if (a == 0 || a >= kIdLimit || b >= kIdLimit || i >= 32) return 0;
  return std::uint64_t{a} | (std::uint64_t{b} << 24) | (std::uint64_t{i} << 48) |
         (std::uint64_t{query_compound} << 53) | (std::uint64_t{consonant_only} << 54) |
         (static_cast<std::uint64_t>(kind) << 60);
}

// Cheap necessary condition for abjad_similarity >= floor: every distinct Latin
// consonant no code can spell costs at least 1 (abjad_spellable_letters), out of
// at most `codes` letters.
bool abjad_may_reach(std::size_t codes, std::uint32_t spellable, std::uint32_t consonants,
                     double floor) {
  const auto foreign = static_cast<double>(std::popcount(consonants & ~spellable));
  return 1.0 - foreign / std::max<double>(2.0, static_cast<double>(codes)) >= floor;
}

// The highest Jaro-Winkler of two tokens: at most as many matches as the letters they
// share (NameToken::signature; the shorter length when a letter is too frequent to
// record there), with their actual Winkler prefix. O(1).
double token_jaro_winkler_bound(const NameToken& a, const NameToken& b) {
  const std::size_t matches =
      a.signature_saturated || b.signature_saturated
          ? std::min(a.text.size(), b.text.size())
          : static_cast<std::size_t>(std::popcount(a.signature & b.signature));
  return jaro_winkler_bound(a.text.size(), b.text.size(), matches,
                            jaro_winkler_prefix(a.text, b.text));
}

// Tokens (or their skeletons) sorted and joined by one space.
std::string sorted_join(const std::vector<NameToken>& tokens, bool skeletons) {
  std::vector<std::string_view> parts;
  parts.reserve(tokens.size());
  for (const auto& t : tokens) parts.push_back(skeletons ? t.skeleton : t.text);
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (auto p : parts) {
    if (!out.empty()) out.push_back(' ');
    out += p;
  }
  return out;
}

// Whether a and b have the same letters apart from vowels ("ben" / "bin", "el" /
// "al", "van" / "von"): the same particle, spelt another way. No allocation.
bool same_consonants(std::string_view a, std::string_view b) {
  auto vowel = [](char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; };
  std::size_t i = 0, j = 0;
  while (true) {
    while (i < a.size() && vowel(a[i])) ++i;
    while (j < b.size() && vowel(b[j])) ++j;
    if (i == a.size() || j == b.size()) return i == a.size() && j == b.size();
    if (a[i++] != b[j++]) return false;
  }
}

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
  if (consonant_only && !a.abjad.empty()) {
    double floor = 0;
    const double decided = abjad_verdict(a, b, floor);
    if (decided >= 0) return decided;
    const double aligned = abjad_similarity(a.abjad, b.text, floor);
    if (aligned >= 0) {
      return aligned >= floor ? aligned * config_.abjad_skeleton_similarity : 0.0;
    }
  }
  if (a.skeleton != b.skeleton && !consonant_only) {
    // Then the result is the Jaro-Winkler if it reaches the floor below, else 0: a
    // bound below the floor decides it without running Jaro-Winkler. The bound counts
    // the matches the shared letters allow (NameToken::signature; the shorter length
    // when a letter is too frequent to record) and the actual Winkler prefix.
    const double floor = a.text.size() <= 4 || b.text.size() <= 4
                             ? config_.short_token_min_similarity
                             : config_.min_token_similarity;
    if (token_jaro_winkler_bound(a, b) < floor) {
      return 0.0;
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
  // A particle and a name word share a one-letter skeleton by chance ("al" and
  // "alwali" are both "l"): that is no excuse for the short-token bar. Without it
  // the particle takes the glued word that merge_glued_particles should pair.
  const bool particle_with_name =
      !consonant_only && (a.role == TokenRole::kParticle) != (b.role == TokenRole::kParticle);
  const double floor =
      short_token && (a.skeleton != b.skeleton || particle_with_name) && !consonant_only
          ? config_.short_token_min_similarity
          : config_.min_token_similarity;
  return sim >= floor ? sim : 0.0;
}

double NameScorer::token_similarity_bound(const NameToken& a, const NameToken& b) const {
  // As token_similarity bounds it before running Jaro-Winkler (keep the two together);
  // equal texts give 1 here too (every letter matches, prefix 4 or the whole token).
  const double jw = token_jaro_winkler_bound(a, b);
  const double floor = a.text.size() <= 4 || b.text.size() <= 4 ? config_.short_token_min_similarity
                                                                : config_.min_token_similarity;
  if (jw >= floor && jw >= config_.skeleton_match_similarity) return jw;
  // Equal skeletons lift a spelling to skeleton_match_similarity and lower the floor.
  if (a.skeleton == b.skeleton) return std::max(jw, config_.skeleton_match_similarity);
  return jw >= floor ? jw : 0.0;
}

double NameScorer::abjad_verdict(const NameToken& a, const NameToken& b, double& floor) const {
  // Particles pair with particles ("bn" with "bin", "al" with "el"), not with a
  // name that merely starts like one ("al" / "ali").
  if ((a.role == TokenRole::kParticle) != (b.role == TokenRole::kParticle)) return 0.0;
  // The article, however the Latin writes or assimilates it (el, ul, ur, ad, ash).
  if (a.abjad == "al" && b.role == TokenRole::kParticle && b.text.size() <= 3 &&
      (b.text[0] == 'a' || b.text[0] == 'e' || b.text[0] == 'u')) {
    return config_.abjad_skeleton_similarity;
  }
  // Organisation words are translated more often than transliterated (shabaka /
  // network, sharika / company): two of them stand for each other, at a discount.
  if (a.role == TokenRole::kLegalForm && b.role == TokenRole::kLegalForm) {
    return config_.abjad_legal_form_similarity;
  }
  // Arabic script: align its letters with the Latin spelling (abjad_alignment.hpp).
  // Two letters or fewer agree by chance too often to allow any slack.
  floor = a.abjad.size() <= 2 ? 1.0 : config_.abjad_min_alignment;
  if (!abjad_may_reach(a.abjad.size(), a.abjad_spellable, b.consonant_letters, floor)) {
    return 0.0;
  }
  return -1.0;
}

double NameScorer::abjad_token_similarity_bound(const NameToken& a, const NameToken& b) const {
  if (a.text == b.text) return 1.0;
  if (a.abjad.empty()) return 1.0;  // Latin letters in an Arabic-script name: not bounded here
  double floor = 0;
  const double decided = abjad_verdict(a, b, floor);
  return decided >= 0 ? decided : 1.0;
}

double NameScorer::alignment_ceiling(const std::vector<NameToken>& query,
                                     const std::vector<NameToken>& listed, bool consonant_only,
                                     bool query_compound, const PairMemo* memo) const {
  const std::size_t nq = std::min(query.size(), kMaxTokens);
  const std::size_t nl = std::min(listed.size(), kMaxTokens);
  if (nq == 0 || nl == 0) return 0.0;
  if (!consonant_only) {
    for (std::size_t i = 0; i < nq; ++i) {
      if (query[i].glues_to_next) return 1.0;
    }
    for (std::size_t j = 0; j < nl; ++j) {
      if (listed[j].glues_to_next) return 1.0;
    }
  }
  // Each token's similarity in the greedy one-to-one pairing is at most its best
  // bound against any token of the other side; its phonetic agreement at most 1,
  // and only when it is paired at all.
  std::array<double, kMaxTokens> q_best{};
  std::array<double, kMaxTokens> l_best{};
  for (std::size_t i = 0; i < nq; ++i) {
    for (std::size_t j = 0; j < nl; ++j) {
      const std::uint64_t key = memo != nullptr ? memo_key(MemoKind::kPair, listed[j].id, 0, i,
                                                           query_compound, consonant_only)
                                                : 0;
      float remembered = 0;
      const double b = key != 0 && memo->find(key, remembered) ? static_cast<double>(remembered)
                       : consonant_only ? abjad_token_similarity_bound(query[i], listed[j])
                                        : token_similarity_bound(query[i], listed[j]);
      q_best[i] = std::max(q_best[i], b);
      l_best[j] = std::max(l_best[j], b);
    }
  }
  if (consonant_only) {
    // merge_split_tokens may pair two adjacent tokens of one side with one of the
    // other, by the same cheap tests it runs before aligning them.
    for (std::size_t i = 0; i + 1 < nq; ++i) {
      const NameToken& a = query[i];
      const NameToken& b = query[i + 1];
      if (a.abjad.empty() || b.abjad.empty()) continue;
      const std::size_t letters = a.abjad.size() + b.abjad.size();
      for (std::size_t j = 0; j < nl; ++j) {
        if (listed[j].text.size() + 2 < letters ||
            !abjad_may_reach(letters, a.abjad_spellable | b.abjad_spellable,
                             listed[j].consonant_letters, config_.abjad_min_alignment)) {
          continue;
        }
        q_best[i] = q_best[i + 1] = l_best[j] = 1.0;
      }
    }
    for (std::size_t j = 0; j + 1 < nl; ++j) {
      for (std::size_t i = 0; i < nq; ++i) {
        const NameToken& q = query[i];
        if (q.abjad.empty() ||
            listed[j].text.size() + listed[j + 1].text.size() + 2 < q.abjad.size() ||
            !abjad_may_reach(q.abjad.size(), q.abjad_spellable,
                             listed[j].consonant_letters | listed[j + 1].consonant_letters,
                             config_.abjad_min_alignment)) {
          continue;
        }
        q_best[i] = l_best[j] = l_best[j + 1] = 1.0;
      }
    }
  }
  double q_matched = 0, q_paired = 0, q_total = 0;
  for (std::size_t i = 0; i < nq; ++i) {
    const double w = token_weight(query[i]);
    q_total += w;
    q_matched += w * q_best[i];
    if (q_best[i] > 0) q_paired += w;
  }
  double l_matched = 0, l_paired = 0, l_total = 0;
  for (std::size_t j = 0; j < nl; ++j) {
    const double w = token_weight(listed[j]);
    l_total += w;
    l_matched += w * l_best[j];
    if (l_best[j] > 0) l_paired += w;
  }
  const double q_cov = q_total > 0 ? q_matched / q_total : 0;
  const double l_cov = l_total > 0 ? l_matched / l_total : 0;
  const double share =
      consonant_only ? config_.abjad_query_coverage_share : config_.query_coverage_share;
  const double token = share * q_cov + (1.0 - share) * l_cov;
  const double phonetic = q_total + l_total > 0 ? (q_paired + l_paired) / (q_total + l_total) : 0;
  return config_.token_weight * token + config_.phonetic_weight * phonetic;
}

struct NameScorer::Pairing {
  // Per token: its partner (-1: none), its similarity and its phonetic agreement.
  std::array<int, kMaxTokens> q_partner;
  std::array<int, kMaxTokens> l_partner;
  std::array<double, kMaxTokens> q_sim{}, l_sim{}, q_phonetic{}, l_phonetic{};
  TokenPairs pairs;

  Pairing() {
    q_partner.fill(-1);
    l_partner.fill(-1);
  }

  // Whether query tokens i0..i1 may be joined with listed tokens j0..j1: something
  // among them is unpaired, and none is paired outside the two ranges (joining
  // never takes a token from a pair it is not part of).
  bool may_join(std::size_t i0, std::size_t i1, std::size_t j0, std::size_t j1) const {
    bool any_unpaired = false;
    for (std::size_t i = i0; i <= i1; ++i) {
      const int j = q_partner[i];
      if (j < 0) {
        any_unpaired = true;
      } else if (static_cast<std::size_t>(j) < j0 || static_cast<std::size_t>(j) > j1) {
        return false;
      }
    }
    for (std::size_t j = j0; j <= j1; ++j) {
      const int i = l_partner[j];
      if (i < 0) {
        any_unpaired = true;
      } else if (static_cast<std::size_t>(i) < i0 || static_cast<std::size_t>(i) > i1) {
        return false;
      }
    }
    return any_unpaired;
  }

  // Unpairs everything the new pairs touch, then pairs i0..i1 with j0..j1.
  void join(std::size_t i0, std::size_t i1, std::size_t j0, std::size_t j1, double sim,
            double phonetic) {
    auto unpair_q = [&](std::size_t i) {
      if (q_partner[i] < 0) return;
      const auto j = static_cast<std::size_t>(q_partner[i]);
      if (l_partner[j] == static_cast<int>(i)) {
        l_partner[j] = -1;
        l_sim[j] = l_phonetic[j] = 0;
      }
      q_partner[i] = -1;
      q_sim[i] = q_phonetic[i] = 0;
    };
    auto unpair_l = [&](std::size_t j) {
      if (l_partner[j] < 0) return;
      unpair_q(static_cast<std::size_t>(l_partner[j]));
      l_partner[j] = -1;
      l_sim[j] = l_phonetic[j] = 0;
    };
    for (std::size_t i = i0; i <= i1; ++i) unpair_q(i);
    for (std::size_t j = j0; j <= j1; ++j) unpair_l(j);
    for (std::size_t i = i0; i <= i1; ++i) {
      q_partner[i] = static_cast<int>(j0);
      q_sim[i] = sim;
      q_phonetic[i] = phonetic;
    }
    for (std::size_t j = j0; j <= j1; ++j) {
      l_partner[j] = static_cast<int>(i0);
      l_sim[j] = sim;
      l_phonetic[j] = phonetic;
    }
    pairs.erase_if([&](const TokenPair& p) {
      return (p.query_token >= i0 && p.query_token <= i1) ||
             (p.listed_token >= j0 && p.listed_token <= j1) || q_partner[p.query_token] < 0 ||
             l_partner[p.listed_token] < 0;
    });
    for (std::size_t i = i0; i <= i1; ++i) {
      for (std::size_t j = j0; j <= j1; ++j) {
        pairs.push_back(TokenPair{static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(j),
                                  static_cast<float>(sim)});
      }
    }
  }
};

void NameScorer::merge_split_tokens(const std::vector<NameToken>& query,
                                    const std::vector<NameToken>& listed, std::size_t nq,
                                    std::size_t nl, Pairing& p, bool query_compound,
                                    PairMemo* memo) const {
  // One side writes as one word what the other splits in two ("ولی جان" / Walijan,
  // "لا لا" / Lala, "Dahir Aweys" / "ظاهرعويس"). Two adjacent tokens of one side,
  // joined, replace what they and one token of the other side paired with, when
  // that is better. Arabic-script query tokens only (their letter codes join).
  auto credit = [](double w, double sim) { return w * sim; };
  auto take = [&](std::size_t i0, std::size_t i1, std::size_t j0, std::size_t j1, double sim) {
    p.join(i0, i1, j0, j1, sim, std::min(1.0, sim / config_.abjad_skeleton_similarity));
  };
  // key: see memo_key(); 0 when not remembered.
  auto aligned = [&](std::string_view codes, std::string_view latin, std::uint64_t key) {
    float remembered = 0;
    if (key != 0 && memo->find(key, remembered)) return static_cast<double>(remembered);
    const double a = abjad_similarity(codes, latin, config_.abjad_min_alignment);
    // Rounded to float as remembered, so a memo hit and a miss give the same score.
    const double sim = static_cast<float>(
        a >= config_.abjad_min_alignment ? a * config_.abjad_skeleton_similarity : 0.0);
    if (key != 0) memo->store(key, static_cast<float>(sim));
    return sim;
  };
  std::string joined;
  // Two query tokens, one listed token.
  for (std::size_t i = 0; i + 1 < nq; ++i) {
    const NameToken& a = query[i];
    const NameToken& b = query[i + 1];
    if (a.abjad.empty() || b.abjad.empty()) continue;
    for (std::size_t j = 0; j < nl; ++j) {
      if (!p.may_join(i, i + 1, j, j)) continue;
      const std::size_t letters = a.abjad.size() + b.abjad.size();
      if (listed[j].text.size() + 2 < letters) continue;
      if (!abjad_may_reach(letters, a.abjad_spellable | b.abjad_spellable,
                           listed[j].consonant_letters, config_.abjad_min_alignment)) {
        continue;
      }
      joined.assign(a.abjad).append(b.abjad);
      const double sim = aligned(joined, listed[j].text,
                                 memo != nullptr ? memo_key(MemoKind::kJoinedQuery, listed[j].id, 0,
                                                            i, query_compound, true)
                                                 : 0);
      if (sim == 0) continue;
      const double before = credit(token_weight(a), p.q_sim[i]) +
                            credit(token_weight(b), p.q_sim[i + 1]) +
                            credit(token_weight(listed[j]), p.l_sim[j]);
      const double after = credit(token_weight(a) + token_weight(b) + token_weight(listed[j]), sim);
      if (after > before + 1e-9) take(i, i + 1, j, j, sim);
    }
  }
  // One query token, two listed tokens.
  for (std::size_t j = 0; j + 1 < nl; ++j) {
    for (std::size_t i = 0; i < nq; ++i) {
      const NameToken& q = query[i];
      if (q.abjad.empty()) continue;
      if (!p.may_join(i, i, j, j + 1)) continue;
      if (listed[j].text.size() + listed[j + 1].text.size() + 2 < q.abjad.size()) continue;
      if (!abjad_may_reach(q.abjad.size(), q.abjad_spellable,
                           listed[j].consonant_letters | listed[j + 1].consonant_letters,
                           config_.abjad_min_alignment)) {
        continue;
      }
      joined.assign(listed[j].text).append(listed[j + 1].text);
      const double sim =
          aligned(q.abjad, joined,
                  memo != nullptr ? memo_key(MemoKind::kJoinedListed, listed[j].id,
                                             listed[j + 1].id, i, query_compound, true)
                                  : 0);
      if (sim == 0) continue;
      const double before = credit(token_weight(q), p.q_sim[i]) +
                            credit(token_weight(listed[j]), p.l_sim[j]) +
                            credit(token_weight(listed[j + 1]), p.l_sim[j + 1]);
      const double after =
          credit(token_weight(q) + token_weight(listed[j]) + token_weight(listed[j + 1]), sim);
      if (after > before + 1e-9) take(i, i, j, j + 1, sim);
    }
  }
}

void NameScorer::merge_glued_particles(const std::vector<NameToken>& query,
                                       const std::vector<NameToken>& listed, std::size_t nq,
                                       std::size_t nl, Pairing& p) const {
  // Particles are written apart or glued to the next word ("bin Laden" / "Binladen",
  // "van den Berg" / "Vandenberg"), and the given name may stand before or after
  // the family name. Token pairing is order-free, but a glued token has no single
  // partner on the other side, and the separator-free comparison (NameScore::compact)
  // only helps when both sides keep the same order. So: a run of particles and the
  // name after it, against each name token of the other side that begins with
  // those particles (as written, or sounding alike: "benladen" / "bin laden"),
  // wherever it stands. The rest of the glued token is compared with the name as
  // any two tokens are (the particle's letters must not lift "Binali" towards
  // "bin Laden"); taken when it credits more than what those tokens paired with.
  // At most three particles in a run ("de los", "van der", "bin al").
  constexpr std::size_t kMaxRun = 3;
  std::string particles;
  auto try_runs = [&](const std::vector<NameToken>& runs, std::size_t n_runs,
                      const std::vector<NameToken>& others, std::size_t n_others,
                      bool runs_are_listed) {
    for (std::size_t s = 0; s + 1 < n_runs; ++s) {
      if (!runs[s].glues_to_next) continue;
      std::size_t e = s + 1;
      while (e < n_runs && e - s < kMaxRun && runs[e].glues_to_next) {
        ++e;
      }
      // The word glued to may be a title used as a name ("Ibn al-Shaykh").
      if (e >= n_runs ||
          (runs[e].role != TokenRole::kName && runs[e].role != TokenRole::kHonorific)) {
        continue;
      }
      const NameToken& name = runs[e];
      particles.clear();
      double run_weight = token_weight(name);
      for (std::size_t k = s; k < e; ++k) {
        particles += runs[k].text;
        run_weight += token_weight(runs[k]);
      }
      for (std::size_t t = 0; t < n_others; ++t) {
        const NameToken& glued = others[t];
        if (glued.role != TokenRole::kName || glued.text.size() < particles.size() + 2) continue;
        const std::string_view prefix = std::string_view(glued.text).substr(0, particles.size());
        if (prefix != particles && !same_consonants(prefix, particles)) continue;
        const bool allowed = runs_are_listed ? p.may_join(t, t, s, e) : p.may_join(s, e, t, t);
        if (!allowed) continue;
        NameToken rest;
        rest.text = glued.text.substr(particles.size());
        rest.skeleton = phonetic_key(rest.text);
        rest.signature_saturated = true;  // no letter signature: skip that shortcut
        const double sim = token_similarity(rest, name, false);
        if (sim <= 0) continue;
        double before = token_weight(glued) * (runs_are_listed ? p.q_sim[t] : p.l_sim[t]);
        for (std::size_t k = s; k <= e; ++k) {
          before += token_weight(runs[k]) * (runs_are_listed ? p.l_sim[k] : p.q_sim[k]);
        }
        const double after = (token_weight(glued) + run_weight) * sim;
        if (after <= before + 1e-9) continue;
        const double phonetic =
            rest.skeleton == name.skeleton ? 1.0 : jaro_winkler(rest.skeleton, name.skeleton);
        const double credited = phonetic >= config_.min_token_similarity ? phonetic : 0.0;
        if (runs_are_listed) {
          p.join(t, t, s, e, sim, credited);
        } else {
          p.join(s, e, t, t, sim, credited);
        }
      }
    }
  };
  try_runs(listed, nl, query, nq, true);
  try_runs(query, nq, listed, nl, false);
}

NameScorer::Alignment NameScorer::align(const std::vector<NameToken>& query,
                                        const std::vector<NameToken>& listed, bool consonant_only,
                                        bool query_compound, PairMemo* memo) const {
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
      const std::uint64_t key = memo != nullptr ? memo_key(MemoKind::kPair, listed[j].id, 0, i,
                                                           query_compound, consonant_only)
                                                : 0;
      float remembered = 0;
      double sim;
      if (key != 0 && memo->find(key, remembered)) {
        sim = remembered;
      } else {
        sim = token_similarity(query[i], listed[j], consonant_only);
        if (key != 0) memo->store(key, static_cast<float>(sim));
      }
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
  Pairing p;
  for (std::size_t k = 0; k < n_candidates; ++k) {
    const TokenPair& c = candidates[k];
    if (p.q_partner[c.query_token] >= 0 || p.l_partner[c.listed_token] >= 0) continue;
    p.q_partner[c.query_token] = c.listed_token;
    p.l_partner[c.listed_token] = c.query_token;
    const NameToken& qt = query[c.query_token];
    const NameToken& lt = listed[c.listed_token];
    p.q_sim[c.query_token] = p.l_sim[c.listed_token] = c.similarity;
    // Phonetic agreement is graded, so one typo costs part of one token, not all of it.
    // For Arabic-script tokens the letter alignment already is the sound comparison.
    const double skeleton_sim =
        consonant_only && !qt.abjad.empty()
            ? std::min(1.0, c.similarity / config_.abjad_skeleton_similarity)
        : qt.skeleton == lt.skeleton ? 1.0
                                     : jaro_winkler(qt.skeleton, lt.skeleton);
    if (skeleton_sim >= config_.min_token_similarity) {
      p.q_phonetic[c.query_token] = p.l_phonetic[c.listed_token] = skeleton_sim;
    }
    p.pairs.push_back(c);
  }
  if (consonant_only) {
    merge_split_tokens(query, listed, nq, nl, p, query_compound, memo);
  } else {
    merge_glued_particles(query, listed, nq, nl, p);
  }
  double q_matched = 0, l_matched = 0;
  double phonetic_matched = 0;
  for (std::size_t i = 0; i < nq; ++i) {
    q_matched += token_weight(query[i]) * p.q_sim[i];
    phonetic_matched += token_weight(query[i]) * p.q_phonetic[i];
  }
  for (std::size_t j = 0; j < nl; ++j) {
    l_matched += token_weight(listed[j]) * p.l_sim[j];
    phonetic_matched += token_weight(listed[j]) * p.l_phonetic[j];
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
  out.pairs = p.pairs;
  return out;
}

NameScore NameScorer::score(const NormalizedName& query, const NormalizedName& listed,
                            double min_total, PairMemo* memo) const {
  NameScore out;
  if (query.empty() || listed.empty()) return out;
  // Only an abjad query against a vowelled (Latin-script) listed name needs the
  // consonant view; a Latin query has the entry's Latin names to match.
  const bool consonant_only = query.abjad_source && !listed.abjad_source;
  const bool compact_possible =
      consonant_only
          ? query.skeleton_compact.size() >= 8 &&
                query.skeleton_compact.size() == listed.skeleton_compact.size()
          : !query.compact.empty() && !listed.compact.empty() &&
                query.compact[0] == listed.compact[0] &&
                jaro_winkler_upper_bound(query.compact.size(), listed.compact.size()) >= 0.96;
  // Most candidates cannot reach min_total whatever their alignment:
  // bound it from cheap per-pair bounds first (both forms when compounds are joined).
  // The margin covers the float rounding of the pair similarities in align().
  if (!compact_possible && min_total > 0) {
    double bound = alignment_ceiling(query.tokens, listed.tokens, consonant_only, false, memo);
    if (!query.compound_tokens.empty() || !listed.compound_tokens.empty()) {
      bound = std::max(
          bound,
          alignment_ceiling(query.compound_tokens.empty() ? query.tokens : query.compound_tokens,
                            listed.compound_tokens.empty() ? listed.tokens : listed.compound_tokens,
                            consonant_only, !query.compound_tokens.empty(), memo));
    }
    const double ceiling = bound + config_.jaro_winkler_weight;
    if (ceiling + 1e-6 < min_total) {
      out.total = ceiling;
      out.partial = true;
      return out;
    }
  }

  Alignment best = align(query.tokens, listed.tokens, consonant_only, false, memo);
  if (!query.compound_tokens.empty() || !listed.compound_tokens.empty()) {
    // Compounds joined on either side ("Abd al-Rahman" / "Abdulrahman").
    const auto& q = query.compound_tokens.empty() ? query.tokens : query.compound_tokens;
    const auto& l = listed.compound_tokens.empty() ? listed.tokens : listed.compound_tokens;
    Alignment joined = align(q, l, consonant_only, !query.compound_tokens.empty(), memo);
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
  if (ceiling < min_total && !compact_possible) {
    out.total = ceiling;
    out.partial = true;
    return out;
  }
  // Without vowels on one side, whole-string similarity is only meaningful on skeletons.
  // When the compound-joined tokens aligned better, compare those ("mty allh" is
  // "matiullah").
  if (out.compound_form) {
    const auto& q = query.compound_tokens.empty() ? query.tokens : query.compound_tokens;
    const auto& l = listed.compound_tokens.empty() ? listed.tokens : listed.compound_tokens;
    out.jaro_winkler = jaro_winkler(sorted_join(q, consonant_only), sorted_join(l, consonant_only));
  } else {
    out.jaro_winkler = consonant_only ? jaro_winkler(query.skeleton_sorted, listed.skeleton_sorted)
                                      : jaro_winkler(query.sorted, listed.sorted);
  }
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
