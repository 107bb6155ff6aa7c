#include "engine/screening/screening_match.hpp"

#include <cstdio>

namespace nexus::screening {
namespace {

std::string fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.2f", v);
  return buf;
}

std::string plain(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == ' ') {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string ScreeningMatch::basis() const {
  char bits[64];
  std::snprintf(bits, sizeof bits, "%.1f bits %s %.1f", name_information_bits,
                distinctive_name() ? ">=" : "<", distinctive_bits);
  if (distinctive_name()) return std::string("distinctive name (") + bits + ")";
  if (!corroborated_by.empty()) {
    return std::string("common name (") + bits + "), corroborated by " + corroborated_by;
  }
  return std::string("name only, common name (") + bits + "): needs corroboration";
}

std::string ScreeningMatch::explain() const {
  std::string out = "matched " + std::string(to_string(matched_kind)) + " '" + hit.matched_name +
                    "' of " + hit.list + " " + hit.reference;
  if (glossary_translated) out += "; organisation words translated by the glossary";
  out += "; query '" + query_normalized + "' vs listed '" + listed_normalized + "'";
  if (ofac_profile) {
    out += "; OFAC Sanctions List Search profile: whole name " + plain(ofac.whole_name) +
           (query_normalized.empty() || listed_normalized.empty() ||
                    query_normalized[0] != listed_normalized[0]
                ? " (first letters differ)"
                : "") +
           ", name parts " + plain(ofac.name_parts) + " -> " + plain(ofac.total()) +
           " (evidence not added); score " + plain(hit.score) +
           (hit.score >= threshold ? " >= " : " < ") + "threshold " + plain(threshold);
    if (!suppressed_by.empty()) out += "; suppressed by allow-list: " + suppressed_by;
    return out + "; " + basis();
  }
  const auto q = split(query_normalized);
  const auto l = split(listed_normalized);
  out += "; pairs";
  for (const auto& p : name.pairs) {
    if (p.query_token < q.size() && p.listed_token < l.size()) {
      out += " " + q[p.query_token] + "~" + l[p.listed_token] + "=" + plain(p.similarity);
    }
  }
  out += "; token " + plain(name.token) + " jw " + plain(name.jaro_winkler) + " phonetic " +
         plain(name.phonetic) + " compact " + plain(name.compact) + " -> name " + plain(name.total);
  if (dob_adjustment != 0) out += "; dob " + fixed(dob_adjustment);
  if (country_adjustment != 0) out += "; country " + fixed(country_adjustment);
  if (identifier_adjustment != 0) out += "; identifier " + fixed(identifier_adjustment);
  if (type_adjustment != 0) out += "; type " + fixed(type_adjustment);
  if (alias_adjustment != 0) out += "; weak alias " + fixed(alias_adjustment);
  out += "; score " + plain(hit.score) + (hit.score >= threshold ? " >= " : " < ") + "threshold " +
         plain(threshold);
  if (!suppressed_by.empty()) out += "; suppressed by allow-list: " + suppressed_by;
  out += "; " + basis();
  return out;
}

}  // namespace nexus::screening
