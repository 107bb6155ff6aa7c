#include "engine/screening/ofac_score.hpp"

#include "engine/screening/jaro_winkler.hpp"

#include <algorithm>

namespace nexus::screening {
namespace {

// The tool's floor under one name-part pair: below it the part counts as unmatched
// (GEORGE BUSH / HASWANI, George is 50, not the 73 a plain mean would give).
constexpr double kNamePartFloor = 0.5;
// Query name parts this short are left out (KIM JONG UN finds five KIM JONGs at 100).
constexpr std::size_t kShortNamePart = 2;

bool deleted(unsigned char c) { return c == '\'' || c == '.' || c == ','; }

bool token_byte(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

}  // namespace

OfacName ofac_tokens(std::string_view name) {
  OfacName out;
  std::string token;
  auto flush = [&] {
    if (token.empty()) return;
    if (!out.joined.empty()) out.joined.push_back(' ');
    out.joined += token;
    out.tokens.push_back(std::move(token));
    token.clear();
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    // Typographic apostrophes (U+2018, U+2019) are deleted like the ASCII one.
    if (c == 0xE2 && i + 2 < name.size() && static_cast<unsigned char>(name[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(name[i + 2]) == 0x98 ||
         static_cast<unsigned char>(name[i + 2]) == 0x99)) {
      i += 2;
      continue;
    }
    if (deleted(c)) continue;
    if (!token_byte(c)) {
      flush();
      continue;
    }
    token.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : static_cast<char>(c));
  }
  flush();
  return out;
}

// The query tokens the tool compares name part by name part.
std::vector<const std::string*> kept_query_tokens(const OfacName& query) {
  const bool keep_short =
      std::none_of(query.tokens.begin(), query.tokens.end(),
                   [](const std::string& t) { return t.size() > kShortNamePart; });
  std::vector<const std::string*> kept;
  for (const std::string& q : query.tokens) {
    if (q.size() > kShortNamePart || keep_short) kept.push_back(&q);
  }
  return kept;
}

OfacScore ofac_score(const OfacName& query, const OfacName& listed) {
  OfacScore out;
  if (query.tokens.empty() || listed.tokens.empty()) return out;
  if (query.joined[0] == listed.joined[0])
    out.whole_name = jaro_winkler(query.joined, listed.joined);
  const auto kept = kept_query_tokens(query);
  double sum = 0;
  for (const std::string* q : kept) {
    double best = 0;
    for (const std::string& l : listed.tokens) best = std::max(best, jaro_winkler(*q, l));
    if (best >= kNamePartFloor) sum += best;
  }
  out.name_parts = kept.empty() ? 0 : sum / static_cast<double>(kept.size());
  return out;
}

void OfacNameTable::add(std::string_view name) {
  OfacName tokens = ofac_tokens(name);
  if (offsets_.empty()) offsets_.push_back(0);
  for (std::string& t : tokens.tokens) {
    auto [it, inserted] = ids_.try_emplace(t, static_cast<std::uint32_t>(vocabulary_.size()));
    if (inserted) vocabulary_.push_back(std::move(t));
    token_ids_.push_back(it->second);
  }
  offsets_.push_back(static_cast<std::uint32_t>(token_ids_.size()));
  joined_.push_back(std::move(tokens.joined));
}

void OfacNameTable::score_all(const OfacName& query, std::vector<OfacScore>& out) const {
  out.assign(size(), OfacScore{});
  if (query.tokens.empty()) return;
  const auto kept = kept_query_tokens(query);
  // similarity[k * vocabulary + v]: kept query token k against distinct listed token v.
  std::vector<double> similarity(kept.size() * vocabulary_.size());
  for (std::size_t k = 0; k < kept.size(); ++k) {
    for (std::size_t v = 0; v < vocabulary_.size(); ++v) {
      similarity[k * vocabulary_.size() + v] = jaro_winkler(*kept[k], vocabulary_[v]);
    }
  }
  for (std::size_t i = 0; i < size(); ++i) {
    if (offsets_[i] == offsets_[i + 1]) continue;  // no tokens: scores 0, as ofac_score
    OfacScore& s = out[i];
    if (query.joined[0] == joined_[i][0]) s.whole_name = jaro_winkler(query.joined, joined_[i]);
    double sum = 0;
    for (std::size_t k = 0; k < kept.size(); ++k) {
      double best = 0;
      for (std::uint32_t t = offsets_[i]; t < offsets_[i + 1]; ++t) {
        best = std::max(best, similarity[k * vocabulary_.size() + token_ids_[t]]);
      }
      if (best >= kNamePartFloor) sum += best;
    }
    s.name_parts = kept.empty() ? 0 : sum / static_cast<double>(kept.size());
  }
}

OfacScore ofac_score(std::string_view query, std::string_view listed) {
  return ofac_score(ofac_tokens(query), ofac_tokens(listed));
}

}  // namespace nexus::screening
