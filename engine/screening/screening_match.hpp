// ScreeningQuery and ScreeningMatch: what is screened, and one scored hit with
// everything needed to explain it (which name matched, both normalised forms,
// component scores, evidence adjustments, threshold). Plain value types.
#pragma once

#include "engine/screener.hpp"
#include "engine/screening/list_entry.hpp"
#include "engine/screening/name_scorer.hpp"
#include "engine/screening/ofac_score.hpp"

#include <string>
#include <vector>

namespace nexus::screening {

struct ScreeningQuery {
  std::string name;           // any script, UTF-8
  std::string date_of_birth;  // "YYYY", "YYYY-MM" or "YYYY-MM-DD"; empty when unknown
  std::string country;        // ISO alpha-2; empty when unknown
  EntryType type = EntryType::kUnknown;
  std::string identifier;  // passport / national id / registration number; empty when unknown
};

struct ScreeningMatch {
  engine::ScreeningHit hit;  // list, reference, matched name, programme, final score
  std::uint32_t entry = 0;   // position in the index's entries
  NameKind matched_kind = NameKind::kPrimary;
  std::string query_normalized;   // query tokens as compared
  std::string listed_normalized;  // listed tokens as compared
  /// The query matched through its organisation-glossary translation
  /// (organisation_glossary.hpp): query_normalized is the translated form.
  bool glossary_translated = false;
  NameScore name;  // name-score components and token pairs
  /// Scored by ScoringProfile::kOfac: `ofac` holds the tool's two parts, `name` is unused
  /// and the evidence adjustments below are recorded (for corroboration) but not added.
  bool ofac_profile = false;
  OfacScore ofac;
  double dob_adjustment = 0;
  double country_adjustment = 0;
  double identifier_adjustment = 0;
  double type_adjustment = 0;
  double alias_adjustment = 0;
  double threshold = 0;       // operating threshold in force
  std::string suppressed_by;  // non-empty: allow-listed ("reason (reviewer, date)")
  /// What the matched listed tokens say about who is meant (name tokens only; see
  /// ScreeningIndex::token_information), and the bar for a distinctive name in force
  /// (ScreeningConfig::distinctive_name_bits).
  double name_information_bits = 0;
  double distinctive_bits = 0;
  /// The query's attributes that agree with the entry, as a hit on a common name
  /// needs them: "identifier", "date of birth", "year of birth and country" (only
  /// against an entry that lists years, not full dates), "country" (organisations
  /// only, which have no date of birth), joined by ", "; empty when none does.
  std::string corroborated_by;

  /// The name carries enough information to hit on its own.
  bool distinctive_name() const { return name_information_bits >= distinctive_bits; }
  /// Whether this hit may alert and seed exposure in the stream: a distinctive name,
  /// or a common one with corroboration. (NameScreener::screen adds its own rules.)
  bool counts_in_stream() const { return distinctive_name() || !corroborated_by.empty(); }
  /// Why it counts, or why not: "distinctive name (21.8 bits >= 19.5)", "common name
  /// (13.3 bits < 19.5), corroborated by date of birth", "name only, common name (13.3
  /// bits < 19.5): needs corroboration".
  std::string basis() const;

  /// One-paragraph explanation for analysts and audit, e.g.
  /// "matched alias 'Abu Ali' of UN QDi.1 ...; token 0.93 jw 0.95 ...; score 0.91 >= 0.88".
  std::string explain() const;
};

}  // namespace nexus::screening
