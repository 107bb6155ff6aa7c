// ScreeningConfig: every threshold and weight of name screening, as one plain
// struct a sanctions monitor can tune (and backtest) without touching code.
#pragma once

#include <cstddef>

namespace nexus::screening {

/// How a name is scored. kDefault is Nexus's own scorer (name_scorer.hpp, the quality
/// table of engine/screening/README.md); kOfac reproduces the scores of OFAC's Sanctions
/// List Search (ofac_score.hpp) over every indexed name, for comparing with that tool.
enum class ScoringProfile { kDefault, kOfac };

struct ScreeningConfig {
  /// Scoring profile. kOfac ignores the weights below (the score is the tool's name score,
  /// with no secondary evidence added), scores every indexed name (no candidate
  /// selection: about 30 ms a query on UN + OFAC SDN) and is meant for `nexus screen
  /// --profile ofac`, not the stream. Default: kDefault.
  ScoringProfile profile = ScoringProfile::kDefault;

  /// Operating threshold: hits scoring at or above it are returned and count as a
  /// match. Default: 0.88 (chosen on the quality report in engine/screening/README.md:
  /// recall >= 0.95 on UN variants at <= 2% false positives on non-listed names).
  double threshold = 0.88;

  // Name-score blend; the three weights should sum to 1.
  /// Weighted token-set similarity (order-free, particle-aware). Default: 0.60.
  double token_weight = 0.60;
  /// Jaro-Winkler of the sorted, space-joined token strings. Default: 0.20.
  double jaro_winkler_weight = 0.20;
  /// Share of name tokens whose phonetic keys agree. Default: 0.20.
  double phonetic_weight = 0.20;

  /// Two tokens below this Jaro-Winkler similarity do not pair at all. Default: 0.80.
  double min_token_similarity = 0.80;
  /// The same for tokens of four letters or fewer whose skeletons differ ("Iran" /
  /// "Iraq" is 0.88 by Jaro-Winkler). Default: 0.90.
  double short_token_min_similarity = 0.90;
  /// Similarity credited to two tokens with equal consonant skeletons but different
  /// spelling (Mohamed / Muhammad, Arabic-script mhmd). Default: 0.92.
  double skeleton_match_similarity = 0.92;
  /// The same for an abjad-script query (Arabic, Hebrew) against a Latin name, where
  /// missing vowels are expected, not a difference. Default: 0.96.
  double abjad_skeleton_similarity = 0.96;
  /// An Arabic-script token pairs with a Latin one when their letter alignment
  /// (abjad_alignment.hpp: 1 - cost / letters) reaches this; it is then credited
  /// alignment x abjad_skeleton_similarity. Default: 0.80.
  double abjad_min_alignment = 0.80;
  /// Similarity credited to an organisation word of an Arabic-script query
  /// ("shabaka" network, "sharika" company) paired with one of the Latin name
  /// ("network", "group", "ltd"): translated, not transliterated. Default: 0.85.
  double abjad_legal_form_similarity = 0.85;
  /// Share of the token score from the query's side (the rest is the listed name's
  /// side); a listed name with extra unmatched tokens scores lower. Default: 0.55.
  double query_coverage_share = 0.55;
  /// The same for an abjad-script query against a Latin name: original-script names
  /// often carry words their Latin rendering drops (longer nasab chains), so the
  /// listed side counts more. Default: 0.35.
  double abjad_query_coverage_share = 0.35;

  // Token weights by role (a name token weighs 1.0).
  /// Particles ("al", "bin", "abu", "van", "de"). Default: 0.35.
  double particle_weight = 0.35;
  /// Honorifics and titles ("sheikh", "mullah", "haji", "dr"). Default: 0.10.
  double honorific_weight = 0.10;
  /// Legal forms ("llc", "ltd", "gmbh", "jsc"). Default: 0.20.
  double legal_form_weight = 0.20;

  // Secondary evidence, added to the name score (clamped to 0..1).
  /// Query date of birth equals a listed one (same day). Default: +0.06.
  double dob_exact_bonus = 0.06;
  /// Query year and month of birth equal a listed one where one of the two dates stops at
  /// the month (`--dob 1965-04`, or a list writing "1965-04"). Default: +0.045.
  double dob_month_bonus = 0.045;
  /// Query year of birth equals a listed year. Default: +0.03.
  double dob_year_bonus = 0.03;
  /// Every listed year differs from the query's by more than dob_year_tolerance. Default: -0.12.
  double dob_mismatch_penalty = -0.12;
  /// Years of slack before a year of birth counts as a mismatch. Default: 1.
  int dob_year_tolerance = 1;
  /// Query country among the entry's countries. Default: +0.02.
  double country_match_bonus = 0.02;
  /// Entry has countries and the query's is not among them. Default: -0.03.
  double country_mismatch_penalty = -0.03;
  /// Query identifier equals a listed identifier (normalised). Default: +0.20.
  double identifier_match_bonus = 0.20;
  /// Query is a person and the entry an organisation/vessel, or the reverse. Default: -0.08.
  double type_mismatch_penalty = -0.08;
  /// Applied to weak (low-quality) aliases. Default: -0.03.
  double weak_alias_penalty = -0.03;

  // In-stream corroboration (NameScreener::screen; `nexus screen` shows every hit).
  /// A hit's name is distinctive when the listed tokens it matched carry at least this
  /// much information, in bits: the sum of log2(entries of its kind / entries of that
  /// kind whose names hold the token), persons and organisations counted apart
  /// (ScreeningIndex::token_information), so the lists stand in for the population of
  /// names. Below it the name is common and a hit needs corroboration (identifier, date
  /// of birth, year of birth with country against an entry listing only years, or the
  /// country of an organisation) before it alerts in the stream. Default: 20 (by the
  /// lists' own frequencies, one name in a million; UN + OFAC SDN: LOPEZ, Luis 13.3,
  /// KHAN, Asad 15.4, PIONEER LOGISTICS 19.0, the highest a false hit on generated
  /// background reached; SELSELAT AL-THAHAB 22.4). See engine/screening/README.md.
  double distinctive_name_bits = 20.0;

  // Candidate generation.
  /// Names fully scored per query, best by index evidence. Default: 24.
  std::size_t max_candidates = 24;
  /// Arabic/Hebrew-script queries score this many times max_candidates. Default: 3.
  std::size_t abjad_candidate_factor = 3;
  /// Han and Hangul queries are also screened by their customary romanisations
  /// (cjk_readings.hpp: RR, McCune-Reischauer, DPRK, surname spellings, pinyin,
  /// Wade-Giles, Korean readings of Hanja). Latin queries never pay for it. Default: true.
  bool cjk_readings = true;
  /// A candidate needs this share of the index evidence (IDF-weighted shared keys)
  /// that an exact match would collect; lower finds more typos, costs more. Default: 0.40.
  double min_candidate_evidence = 0.50;

  /// Hits returned per query at most. Default: 10.
  std::size_t max_hits = 10;
  /// Cached query results per NameScreener (LRU); 0 disables the cache. Default: 100000.
  std::size_t cache_capacity = 100000;
};

/// The configuration of ScoringProfile::kOfac: the tool's score, at a threshold of 0.90 (the
/// tool's "minimum name score" slider runs 50-100; at 80 a shared given name is enough).
inline ScreeningConfig ofac_profile_config() {
  ScreeningConfig config;
  config.profile = ScoringProfile::kOfac;
  config.threshold = 0.90;
  return config;
}

}  // namespace nexus::screening
