#include "engine/screening/name_screener.hpp"

#include "engine/screening/organisation_glossary.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace nexus::screening {
namespace {

std::string identifier_key(std::string_view id) {
  std::string out;
  for (char c : id) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

int year_of(std::string_view date) {
  if (date.size() < 4) return 0;
  int y = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(date[i]))) return 0;
    y = y * 10 + (date[i] - '0');
  }
  return y;
}

// How many of YYYY, YYYY-MM, YYYY-MM-DD a date carries: 1 year, 2 month, 3 day (0: no year).
int date_precision(std::string_view date) {
  if (year_of(date) == 0) return 0;
  if (date.size() >= 10 && date[4] == '-' && date[7] == '-') return 3;
  if (date.size() >= 7 && date[4] == '-') return 2;
  return 1;
}

// Dates are compared at the precision both carry (the lists write years, months and
// full dates): equal days give the exact bonus, an equal month where one side stops at
// the month the month bonus, an equal year the year bonus; every listed year further
// than the tolerance from the query's is a mismatch.
double dob_adjustment(const ScreeningConfig& config, std::string_view query_dob,
                      const std::vector<std::string>& listed) {
  const int qy = year_of(query_dob);
  if (qy == 0 || listed.empty()) return 0;
  const int query_precision = date_precision(query_dob);
  bool any_year = false;
  bool within = false;
  double best = 0;
  for (const auto& d : listed) {
    const int ly = year_of(d);
    if (ly == 0) continue;
    any_year = true;
    if (std::abs(ly - qy) <= config.dob_year_tolerance) within = true;
    if (ly != qy) continue;
    const int shared = std::min(query_precision, date_precision(d));
    if (shared == 3 && d.compare(0, 10, query_dob.substr(0, 10)) == 0) {
      return config.dob_exact_bonus;
    }
    if (shared == 2 && d.compare(0, 7, query_dob.substr(0, 7)) == 0) {
      best = std::max(best, config.dob_month_bonus);
    } else {
      best = std::max(best, config.dob_year_bonus);
    }
  }
  if (!any_year) return 0;
  if (!within) return config.dob_mismatch_penalty;
  return best;
}

bool is_organisation(EntryType t) {
  return t == EntryType::kEntity || t == EntryType::kVessel || t == EntryType::kAircraft;
}

// Best first; ties break on list and reference (deterministic output).
void sort_matches(std::vector<ScreeningMatch>& matches) {
  std::sort(matches.begin(), matches.end(), [](const ScreeningMatch& a, const ScreeningMatch& b) {
    if (a.hit.score != b.hit.score) return a.hit.score > b.hit.score;
    if (a.hit.list != b.hit.list) return a.hit.list < b.hit.list;
    return a.hit.reference < b.hit.reference;
  });
}

std::string add_reason(std::string list, const char* reason) {
  if (!list.empty()) list += ", ";
  return list + reason;
}

}  // namespace

std::string NameScreener::corroboration(double dob, double country, double identifier,
                                        const ListEntry& entry) const {
  std::string out;
  if (identifier > 0) out = add_reason(std::move(out), "identifier");
  if (dob >= config_.dob_exact_bonus) out = add_reason(std::move(out), "date of birth");
  // A birth year, even with the country, is shared by too many namesakes (one Mexican
  // Miguel Rodriguez in 60 is born in the listed year): where the entry gives full
  // dates, the date must agree. Where it gives only years (as the UN often does), the
  // year with the country is the most the list allows.
  const bool full_dates = std::any_of(entry.dates_of_birth.begin(), entry.dates_of_birth.end(),
                                      [](const std::string& d) { return d.size() >= 10; });
  if (!full_dates && dob >= config_.dob_year_bonus && dob < config_.dob_exact_bonus &&
      country > 0) {
    out = add_reason(std::move(out), "year of birth and country");
  }
  // Organisations have no date of birth: their country is what there is.
  if (entry.type != EntryType::kPerson && dob >= 0 && country > 0) {
    out = add_reason(std::move(out), "country");
  }
  return out;
}

double NameScreener::name_information(const NormalizedName& listed, const NameScore& name,
                                      EntryType entry_type) const {
  const auto& tokens = name.compound_form && !listed.compound_tokens.empty()
                           ? listed.compound_tokens
                           : listed.tokens;
  // Each matched listed name token once (a glued particle pairs with two).
  std::uint64_t seen = 0;
  double bits = 0;
  for (const TokenPair& p : name.pairs) {
    if (p.listed_token >= tokens.size() || p.listed_token >= 64) continue;
    const NameToken& t = tokens[p.listed_token];
    if (t.role != TokenRole::kName || t.text.size() < 2) continue;
    const std::uint64_t bit = std::uint64_t{1} << p.listed_token;
    if ((seen & bit) != 0) continue;
    seen |= bit;
    bits += index_->token_information(t.id, entry_type == EntryType::kPerson);
  }
  return bits;
}

Result<std::unique_ptr<NameScreener>> NameScreener::create(
    std::shared_ptr<const ScreeningIndex> index, ScreeningConfig config, AllowList allow_list) {
  NEXUS_TRY(normalizer, NameNormalizer::create());
  return std::unique_ptr<NameScreener>(
      new NameScreener(std::move(index), config, std::move(allow_list), std::move(normalizer)));
}

NameScreener::NameScreener(std::shared_ptr<const ScreeningIndex> index, ScreeningConfig config,
                           AllowList allow_list, NameNormalizer normalizer)
    : index_(std::move(index)),
      config_(config),
      allow_list_(std::move(allow_list)),
      normalizer_(std::move(normalizer)),
      scorer_(config_),
      cache_(config_.cache_capacity) {}

void NameScreener::set_index(std::shared_ptr<const ScreeningIndex> index) {
  index_ = std::move(index);
  scratch_ = {};
  ofac_names_ = {};
  cache_.clear();
}

std::string NameScreener::cache_key(const ScreeningQuery& q) const {
  std::string key = q.name;
  for (const std::string* s : {&q.date_of_birth, &q.country, &q.identifier}) {
    key.push_back('\x1f');
    key += *s;
  }
  key.push_back(static_cast<char>('0' + static_cast<int>(q.type)));
  return key;
}

NameScreener::Evidence NameScreener::evidence(const ScreeningQuery& query,
                                              const std::string& query_country,
                                              const std::string& query_id, const ListEntry& entry,
                                              const ListedName& listed_name) const {
  Evidence ev;
  ev.dob = dob_adjustment(config_, query.date_of_birth, entry.dates_of_birth);
  if (!query_country.empty() && !entry.countries.empty()) {
    const bool found = std::find(entry.countries.begin(), entry.countries.end(), query_country) !=
                       entry.countries.end();
    ev.country = found ? config_.country_match_bonus : config_.country_mismatch_penalty;
  }
  if (!query_id.empty()) {
    for (const auto& id : entry.identifiers) {
      if (identifier_key(id) == query_id) {
        ev.identifier = config_.identifier_match_bonus;
        break;
      }
    }
  }
  if (query.type != EntryType::kUnknown && entry.type != EntryType::kUnknown &&
      is_organisation(query.type) != is_organisation(entry.type)) {
    ev.type = config_.type_mismatch_penalty;
  }
  if (listed_name.strength == AliasStrength::kWeak) ev.alias = config_.weak_alias_penalty;
  return ev;
}

std::vector<ScreeningMatch> NameScreener::score_all_ofac(const ScreeningQuery& query,
                                                         double min_score, std::size_t limit) {
  std::vector<ScreeningMatch> out;
  const OfacName q = ofac_tokens(query.name);
  if (q.tokens.empty()) return out;
  // The tool scores every listed name; so does this profile (its tokens kept per index).
  if (ofac_names_.size() != index_->names().size()) {
    ofac_names_ = {};
    for (const IndexedName& n : index_->names()) {
      ofac_names_.add(index_->entries()[n.entry].names[n.name_index].text);
    }
  }
  const std::string query_country = countries_.resolve(query.country);
  const std::string query_id = identifier_key(query.identifier);
  const NormalizedName normalized = normalizer_.normalize(query.name);
  const std::string& allow_key = normalized.sorted;
  std::vector<std::string> query_words;
  for (const NameToken& t : normalized.tokens) query_words.push_back(t.text);
  std::vector<std::pair<double, std::uint32_t>> best(index_->entries().size(), {-1.0, 0});
  std::vector<OfacScore>& parts = ofac_scores_;
  ofac_names_.score_all(q, parts);
  for (std::uint32_t i = 0; i < index_->names().size(); ++i) {
    const double score = parts[i].total();
    auto& b = best[index_->names()[i].entry];
    if (score >= min_score && score > b.first) b = {score, i};
  }
  for (std::uint32_t e = 0; e < best.size(); ++e) {
    if (best[e].first < 0) continue;
    const std::uint32_t i = best[e].second;
    const IndexedName& listed = index_->names()[i];
    const ListEntry& entry = index_->entries()[e];
    const ListedName& listed_name = entry.names[listed.name_index];
    const Evidence ev = evidence(query, query_country, query_id, entry, listed_name);
    ScreeningMatch m;
    m.ofac_profile = true;
    m.ofac = parts[i];
    m.name.total = parts[i].total();
    m.dob_adjustment = ev.dob;
    m.country_adjustment = ev.country;
    m.identifier_adjustment = ev.identifier;
    m.type_adjustment = ev.type;
    m.alias_adjustment = ev.alias;
    m.hit.list = entry.list;
    m.hit.reference = entry.reference;
    m.hit.matched_name = listed_name.text;
    m.hit.programme = entry.programme;
    m.hit.score = parts[i].total();
    m.entry = e;
    m.matched_kind = listed_name.kind;
    m.query_normalized = q.joined;
    m.listed_normalized = ofac_names_.joined(i);
    m.threshold = config_.threshold;
    m.distinctive_bits = config_.distinctive_name_bits;
    // What the listed name's words the query also holds (as normalised) say about who is
    // meant: the tool's score has no token pairs to take it from.
    for (const NameToken& t : listed.normalized.tokens) {
      if (t.role == TokenRole::kName && t.text.size() >= 2 &&
          std::find(query_words.begin(), query_words.end(), t.text) != query_words.end()) {
        m.name_information_bits +=
            index_->token_information(t.id, entry.type == EntryType::kPerson);
      }
    }
    m.corroborated_by = corroboration(ev.dob, ev.country, ev.identifier, entry);
    if (const AllowListRecord* r = allow_list_.find(allow_key, entry.list, entry.reference)) {
      m.suppressed_by = r->reason + " (" + r->reviewed_by + ", " + r->reviewed_on + ")";
    }
    out.push_back(std::move(m));
  }
  sort_matches(out);
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::vector<ScreeningMatch> NameScreener::score_all(const ScreeningQuery& query, double min_score,
                                                    std::size_t limit) {
  std::vector<ScreeningMatch> out;
  if (!index_) return out;
  if (config_.profile == ScoringProfile::kOfac) return score_all_ofac(query, min_score, limit);
  const NormalizedName q = normalizer_.normalize(query.name);
  if (q.empty()) return out;
  const std::string query_country = countries_.resolve(query.country);
  const std::string query_id = identifier_key(query.identifier);

  // Secondary evidence can add at most this much (only what the query carries);
  // a name score that cannot reach min_score minus it is not worth finishing.
  const double max_bonus =
      (query.date_of_birth.empty() ? 0.0
                                   : std::max(config_.dob_exact_bonus, config_.dob_year_bonus)) +
      (query_country.empty() ? 0.0 : config_.country_match_bonus) +
      (query_id.empty() ? 0.0 : config_.identifier_match_bonus);

  const bool cjk_query = may_hold_cjk(query.name);
  // Scores the candidates of one form of the query; keeps the best name per entry.
  auto screen_form = [&](const NormalizedName& form, bool translated) {
    // Arabic-script queries reach their Latin names through consonant keys, which
    // many unrelated names share: index evidence ranks them less well, so more are scored.
    const std::size_t max_candidates = form.abjad_source
                                           ? config_.max_candidates * config_.abjad_candidate_factor
                                           : config_.max_candidates;
    index_->candidates(form, max_candidates, config_.min_candidate_evidence, scratch_, candidates_);
    pair_memo_.start_query();
    for (const Candidate& c : candidates_) {
      const IndexedName& listed = index_->names()[c.name];
      if (listed.reading && cjk_query) continue;  // two lossy readings say less than the originals
      const ListEntry& entry = index_->entries()[listed.entry];
      const ListedName& listed_name = entry.names[listed.name_index];
      NameScore name = scorer_.score(form, listed.normalized, min_score - max_bonus, &pair_memo_);
      if (name.partial) continue;
      const Evidence ev = evidence(query, query_country, query_id, entry, listed_name);
      const double dob = ev.dob;
      const double country = ev.country;
      const double identifier = ev.identifier;
      const double type = ev.type;
      const double alias = ev.alias;
      const double score =
          std::clamp(name.total + dob + country + identifier + type + alias, 0.0, 1.0);
      if (score < min_score) continue;
      // Best name per entry (out holds at most a few hundred: a linear scan); on equal
      // scores the original form's explanation is kept.
      auto same_entry = std::find_if(
          out.begin(), out.end(), [&](const ScreeningMatch& o) { return o.entry == listed.entry; });
      const bool inserted = same_entry == out.end();
      if (!inserted && same_entry->hit.score >= score) continue;
      ScreeningMatch m;
      m.name = std::move(name);
      m.dob_adjustment = dob;
      m.country_adjustment = country;
      m.identifier_adjustment = identifier;
      m.type_adjustment = type;
      m.alias_adjustment = alias;
      m.hit.list = entry.list;
      m.hit.reference = entry.reference;
      m.hit.matched_name = listed_name.text;
      m.hit.programme = entry.programme;
      m.hit.score = score;
      m.entry = listed.entry;
      m.matched_kind = listed_name.kind;
      m.query_normalized = form.joined_tokens(m.name.compound_form);
      m.listed_normalized = listed.normalized.joined_tokens(m.name.compound_form);
      m.glossary_translated = translated;
      m.threshold = config_.threshold;
      m.distinctive_bits = config_.distinctive_name_bits;
      m.name_information_bits = name_information(listed.normalized, m.name, entry.type);
      m.corroborated_by = corroboration(dob, country, identifier, entry);
      // Allow-listed by the query as written, whichever form matched.
      if (const AllowListRecord* r = allow_list_.find(q.sorted, entry.list, entry.reference)) {
        m.suppressed_by = r->reason + " (" + r->reviewed_by + ", " + r->reviewed_on + ")";
      }
      if (inserted) {
        out.push_back(std::move(m));
      } else {
        *same_entry = std::move(m);
      }
    }
  };
  screen_form(q, false);
  // Han and Hangul names are also screened by their customary romanisations (金正恩,
  // 김정은: Kim Jong Un), read as Korean too for a Korean party.
  if (config_.cjk_readings && cjk_query) {
    const bool korean = query_country == "KP" || query_country == "KR";
    for (const std::string& reading : index_->cjk().readings(query.name, normalizer_, korean)) {
      screen_form(normalizer_.normalize(reading), false);
    }
  }
  // An organisation's Arabic name usually translates its Latin one ("الجماعة الإسلامية
  // المقاتلة الليبية" / LIBYAN ISLAMIC FIGHTING GROUP): unless the party is a person,
  // its translations by the organisation glossary are screened too.
  if (q.abjad_source && query.type != EntryType::kPerson) {
    for (const std::string& translated : translate_organisation_words(query.name)) {
      const NormalizedName form = normalizer_.normalize(translated);
      if (!form.empty()) screen_form(form, true);
    }
  }
  sort_matches(out);
  if (out.size() > limit) out.resize(limit);
  return out;
}

const std::vector<ScreeningMatch>& NameScreener::screen_query(const ScreeningQuery& query) {
  const std::string key = cache_key(query);
  if (const auto* cached = cache_.find(key)) return *cached;
  auto matches = score_all(query, config_.threshold, config_.max_hits);
  if (config_.cache_capacity == 0) {
    uncached_ = std::move(matches);
    return uncached_;
  }
  return cache_.put(key, std::move(matches));
}

EntryType entry_type_of(nexus::v1::PartyType type) {
  switch (type) {
    case nexus::v1::PARTY_TYPE_PERSON:
      return EntryType::kPerson;
    case nexus::v1::PARTY_TYPE_ORGANIZATION:
      return EntryType::kEntity;
    default:
      return EntryType::kUnknown;
  }
}

std::vector<engine::ScreeningHit> NameScreener::screen(const nexus::v1::Party& party) {
  ScreeningQuery q;
  q.name = party.name();
  q.date_of_birth = party.date_of_birth();
  q.country = party.country();
  q.identifier = party.national_id();
  q.type = entry_type_of(party.type());
  // In the stream a one-word listed name ("Asad", "Ahmed") inside a longer party name
  // ("Asad Sheikh") is not enough for a critical alert: it must be corroborated by date of
  // birth or an identifier (a shared country or birth year is too common to count).
  // `nexus screen` still shows such matches.
  auto words = [](const std::string& text) {
    return text.empty() ? 0 : 1 + std::count(text.begin(), text.end(), ' ');
  };
  std::vector<engine::ScreeningHit> hits;
  for (const auto& m : screen_query(q)) {
    if (!m.suppressed_by.empty()) continue;
    // An exact date of birth, not just the same year, or an identifier.
    const bool corroborated =
        m.dob_adjustment >= config_.dob_exact_bonus || m.identifier_adjustment > 0;
    if (words(m.listed_normalized) == 1 && words(m.query_normalized) > 1 && !corroborated) continue;
    // A common name (by the lists' own token statistics) hits on its namesakes too: it
    // must be corroborated (ScreeningMatch::corroborated_by) to alert or seed exposure.
    if (!m.counts_in_stream()) continue;
    hits.push_back(m.hit);
    hits.back().basis = m.basis();
  }
  return hits;
}

}  // namespace nexus::screening
