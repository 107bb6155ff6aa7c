// Quality of name screening on real lists (UN 2026-02-27 + OFAC SDN 2021-07)
// and real name sets. Each test prints its measurement and asserts the issue-4
// targets: recall >= 0.95 on listed-name variants, false positives <= 2% on
// non-listed names, at the default operating threshold.
#include "connectors/lists/list_file.hpp"
#include "engine/screening/abjad_alignment.hpp"
#include "engine/screening/name_screener.hpp"
#include "engine/screening/utf8.hpp"

#include "tests/screening/name_sets.hpp"
#include "tests/screening/screening_test_support.hpp"
#include <gtest/gtest.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace nexus::screening {
namespace {

using testing::read_csv;
using testing::shared_data;

struct Lists {
  std::vector<ListEntry> un;
  std::vector<ListEntry> sdn;
};

const Lists& lists() {
  static const Lists l = [] {
    Lists out;
    auto un = lists::load_list_file(shared_data("sanctions/un_consolidated_2026-02-27.xml"));
    auto sdn = lists::load_list_file(shared_data("sanctions/ofac_sdn_csv_2021-07/sdn.csv"));
    if (!un || !sdn) {
      std::fprintf(stderr, "cannot load lists: %s %s\n", un ? "" : un.error().message.c_str(),
                   sdn ? "" : sdn.error().message.c_str());
      std::abort();  // every test below needs them; the loaders have their own tests
    }
    out.un = std::move(un.value().entries);
    out.sdn = std::move(sdn.value().entries);
    return out;
  }();
  return l;
}

std::shared_ptr<const ScreeningIndex> build_index(std::vector<ListEntry> entries) {
  auto normalizer = NameNormalizer::create();
  EXPECT_TRUE(normalizer);
  return ScreeningIndex::build(std::move(entries), normalizer.value());
}

std::unique_ptr<NameScreener> make_screener(std::shared_ptr<const ScreeningIndex> index) {
  auto s = NameScreener::create(std::move(index));
  EXPECT_TRUE(s);
  return std::move(s.value());
}

// The screener over UN + SDN, shared by the tests (built once: ~1 s).
NameScreener& un_sdn_screener() {
  static std::unique_ptr<NameScreener> s = [] {
    std::vector<ListEntry> all = lists().un;
    all.insert(all.end(), lists().sdn.begin(), lists().sdn.end());
    return make_screener(build_index(std::move(all)));
  }();
  return *s;
}

bool has_hit(const std::vector<ScreeningMatch>& matches, const std::string& list,
             const std::string& reference) {
  return std::any_of(matches.begin(), matches.end(), [&](const ScreeningMatch& m) {
    return m.hit.list == list && m.hit.reference == reference;
  });
}

struct Tally {
  int total = 0;
  int found = 0;
  std::vector<std::string> misses;
  double rate() const { return total == 0 ? 0.0 : static_cast<double>(found) / total; }
  void add(bool ok, const std::string& what) {
    ++total;
    if (ok) {
      ++found;
    } else if (misses.size() < 25) {
      misses.push_back(what);
    }
  }
  void print(const char* label) const {
    std::printf("[quality] %-44s %5d / %5d = %.4f\n", label, found, total, rate());
    for (const auto& m : misses) std::printf("[quality]     miss: %s\n", m.c_str());
  }
};

constexpr double kRecallTarget = 0.95;
constexpr double kFalsePositiveCeiling = 0.02;
// Issue 13: false positives on organisation names, at most 1%.
constexpr double kOrganisationFalsePositiveCeiling = 0.01;

TEST(ScreeningQuality, YentePerturbedUnNamesRecalledAtThreshold) {
  NameScreener& screener = un_sdn_screener();
  // Each untreated row names a UN entry exactly; find which, by normalised name.
  std::map<std::string, std::set<std::string>> refs_by_name;
  for (const auto& e : lists().un) {
    for (const auto& n : e.names)
      refs_by_name[screener.normalizer().normalize(n.text).sorted].insert(e.reference);
  }
  const auto untreated = read_csv(shared_data("names/yente_positives_un_untreated.csv"));
  const auto treated = read_csv(shared_data("names/yente_positives_un_treated.csv"));
  ASSERT_EQ(untreated.size(), treated.size());
  ASSERT_GT(untreated.size(), 600u);
  Tally all, perturbed, unresolved;
  for (std::size_t i = 0; i < untreated.size(); ++i) {
    auto it = refs_by_name.find(screener.normalizer().normalize(untreated[i][0]).sorted);
    unresolved.add(it != refs_by_name.end(), untreated[i][0]);
    if (it == refs_by_name.end()) continue;
    const auto& matches =
        screener.screen_query(ScreeningQuery{treated[i][0], "", "", EntryType::kUnknown, ""});
    bool ok = false;
    for (const auto& ref : it->second) ok = ok || has_hit(matches, "UN", ref);
    all.add(ok, treated[i][0] + " (listed as " + untreated[i][0] + ")");
    if (treated[i][0] != untreated[i][0])
      perturbed.add(ok, treated[i][0] + " (listed as " + untreated[i][0] + ")");
  }
  unresolved.print("yente rows resolvable to a UN entry");
  all.print("yente treated UN names, recall");
  perturbed.print("  of which perturbed rows, recall");
  EXPECT_GE(unresolved.rate(), 0.95);
  EXPECT_GE(all.rate(), kRecallTarget);
  EXPECT_GE(perturbed.rate(), 0.90);
}

TEST(ScreeningQuality, UnOriginalScriptNamesFindTheirLatinEntry) {
  // Index the UN list without its original-script names (plus SDN as distractors);
  // query each NAME_ORIGINAL_SCRIPT (mostly Arabic) and expect its own entry.
  std::vector<ListEntry> latin_only = lists().un;
  struct Query {
    std::string name;
    std::string reference;
    bool person;
    std::string latin;  // the entry's first Latin name, for the miss report
  };
  std::vector<Query> queries;
  for (auto& e : latin_only) {
    auto it = std::remove_if(e.names.begin(), e.names.end(), [&](const ListedName& n) {
      if (n.kind != NameKind::kOriginalScript) return false;
      queries.push_back({n.text, e.reference, e.type == EntryType::kPerson, ""});
      return true;
    });
    e.names.erase(it, e.names.end());
    for (auto q = queries.rbegin(); q != queries.rend() && q->reference == e.reference; ++q) {
      if (!e.names.empty()) q->latin = e.names.front().text;
    }
  }
  latin_only.insert(latin_only.end(), lists().sdn.begin(), lists().sdn.end());
  auto screener = make_screener(build_index(std::move(latin_only)));
  ASSERT_GT(queries.size(), 300u);
  Tally all, persons, entities;
  for (const auto& q : queries) {
    const bool ok =
        has_hit(screener->screen_query(ScreeningQuery{q.name, "", "", EntryType::kUnknown, ""}),
                "UN", q.reference);
    const std::string what = q.name + " -> " + q.reference + " (" + q.latin + ")";
    all.add(ok, what);
    (q.person ? persons : entities).add(ok, what);
  }
  all.print("UN original-script name -> Latin entry, recall");
  persons.print("  of which persons");
  entities.print("  of which entities");
  // The 0.95 target is reached since the organisation glossary (organisation_glossary.hpp)
  // screens the English translation of Arabic organisation names ("Libyan Islamic
  // Fighting Group"), with a margin of one name: the remaining misses are
  // transliterations the letter alignment rejects and persons whose Arabic name lacks
  // or adds a name part (engine/screening/README.md, "Known gaps").
  EXPECT_GE(all.rate(), kRecallTarget);
  EXPECT_GE(entities.rate(), 0.80);
  EXPECT_GE(persons.rate(), 0.93);
}

TEST(ScreeningQuality, CrossScriptPairsFromWatchman) {
  // Each expected Latin name becomes a one-name entry among the UN list's (SDN
  // adds dozens of exact namesakes of "Mohamed Ali", which only test tie-breaking).
  const auto rows = read_csv(shared_data("names/watchman_cross_script_pairs.csv"));
  std::vector<ListEntry> entries = lists().un;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& r : rows) {
    if (r.size() < 2 || r[0].empty() || r[0][0] == '#') continue;
    ListEntry e;
    e.list = "TEST";
    e.reference = "XS-" + std::to_string(pairs.size());
    e.names.push_back(ListedName{r[1], NameKind::kPrimary, AliasStrength::kStrong});
    entries.push_back(e);
    pairs.emplace_back(r[0], e.reference);
  }
  ASSERT_GE(pairs.size(), 20u);
  auto screener = make_screener(build_index(std::move(entries)));
  // ICU renders these scripts by sound; Han is read in Mandarin, Hangul and kana by
  // their own romanisations, which differ from the customary English spellings.
  // Common names ("Mohamed Ali") tie with dozens of listed namesakes, so this
  // counts a pair as found when it scores at or above the threshold at any rank.
  Tally phonetic_scripts, all;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto& [query, ref] = pairs[i];
    const bool ok =
        has_hit(screener->score_all(ScreeningQuery{query, "", "", EntryType::kUnknown, ""},
                                    screener->config().threshold, 200),
                "TEST", ref);
    all.add(ok, query);
    const unsigned char lead = static_cast<unsigned char>(query[0]);
    // UTF-8 lead bytes: 0xCE/0xCF Greek, 0xD0-0xD3 Cyrillic, 0xD7 Hebrew, 0xD8-0xDB Arabic.
    if (lead >= 0xCE && lead <= 0xDB) phonetic_scripts.add(ok, query);
  }
  phonetic_scripts.print("watchman pairs, Arabic/Cyrillic/Greek/Hebrew");
  all.print("watchman pairs, all scripts (report only)");
  // 0.90, not 0.95: Greek "Alexandros" is the Greek form of Alexander, not a spelling of it.
  EXPECT_GE(phonetic_scripts.rate(), 0.90);
}

TEST(ScreeningQuality, ArabicTokensAlignWithTheirEnglishTransliterations) {
  // ANETAC: 61k one-word person names, Arabic script <-> English, mined from
  // parallel text (many spellings per Arabic name). The letter alignment should
  // accept the English spelling of its own Arabic word and reject another word's
  // (a shuffled pairing); the plain consonant skeleton is the baseline.
  auto normalizer = NameNormalizer::create().value();
  std::ifstream in(shared_data("names/anetac_person_en_ar.txt"));
  ASSERT_TRUE(in) << "names/anetac_person_en_ar.txt";
  std::vector<std::pair<NameToken, NameToken>> pairs;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string kind, english, arabic;
    fields >> kind >> english;
    std::getline(fields, arabic);
    const NormalizedName a = normalizer.normalize(arabic);
    const NormalizedName e = normalizer.normalize(english);
    if (a.tokens.size() != 1 || e.tokens.size() != 1 || a.tokens[0].abjad.empty()) continue;
    pairs.emplace_back(a.tokens[0], e.tokens[0]);
  }
  ASSERT_GT(pairs.size(), 50000u);
  const double floor = ScreeningConfig{}.abjad_min_alignment;
  const unsigned seed = 20260227;
  std::mt19937 rng(seed);
  std::size_t aligned = 0, skeleton = 0, wrong_aligned = 0, wrong_skeleton = 0, wrong = 0;
  for (const auto& [arabic, english] : pairs) {
    aligned += abjad_similarity(arabic.abjad, english.text) >= floor;
    skeleton += arabic.skeleton == english.skeleton;
    const NameToken& other = pairs[rng() % pairs.size()].second;
    if (other.text == english.text) continue;
    ++wrong;
    wrong_aligned += abjad_similarity(arabic.abjad, other.text) >= floor;
    wrong_skeleton += arabic.skeleton == other.skeleton;
  }
  const auto rate = [](std::size_t k, std::size_t n) {
    return static_cast<double>(k) / static_cast<double>(n);
  };
  std::printf("[quality] %-44s %5zu pairs: alignment %.4f, skeleton %.4f\n",
              "ANETAC Arabic->English word pairs accepted", pairs.size(),
              rate(aligned, pairs.size()), rate(skeleton, pairs.size()));
  std::printf("[quality] %-44s %5zu pairs: alignment %.4f, skeleton %.4f\n",
              "  shuffled pairs accepted (false matches)", wrong, rate(wrong_aligned, wrong),
              rate(wrong_skeleton, wrong));
  EXPECT_GE(rate(aligned, pairs.size()), 0.95) << "seed " << seed;
  EXPECT_LE(rate(wrong_aligned, wrong), 0.005) << "seed " << seed;
}

TEST(ScreeningQuality, LetterTablesAgreeWithIcuOnTheNameSets) {
  // normalize() folds Latin with diacritics, Han, Hangul and single-script names
  // through per-letter / per-script tables; they must give what the full ICU chain
  // gives. Arabic script and Cyrillic are read differently on purpose (their own
  // tables), so names with those letters are left out.
  auto normalizer = NameNormalizer::create().value();
  Tally same;
  for (const char* file : {"names/yente_negatives_global_1k.csv", "names/yente_negatives_us_1k.csv",
                           "names/yente_positives_un_treated.csv"}) {
    for (const auto& row : read_csv(shared_data(file))) {
      const std::string& name = row[0];
      const bool arabic_or_cyrillic = std::any_of(name.begin(), name.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0xD0 && u <= 0xDB;  // UTF-8 lead bytes of U+0400-U+06FF
      });
      if (arabic_or_cyrillic) continue;
      same.add(normalizer.normalize(name).joined == normalizer.normalize_with_icu(name).joined,
               name + ": " + normalizer.normalize(name).joined + " vs " +
                   normalizer.normalize_with_icu(name).joined);
    }
  }
  same.print("names folded as ICU folds them");
  EXPECT_GT(same.total, 2000);
  EXPECT_EQ(same.found, same.total);
}

// Every field of two normalised names, or what differs first ("" when equal).
std::string normalized_difference(const NormalizedName& a, const NormalizedName& b) {
  if (a.joined != b.joined) return "joined '" + a.joined + "' vs '" + b.joined + "'";
  if (a.sorted != b.sorted || a.compact != b.compact || a.skeleton_sorted != b.skeleton_sorted ||
      a.skeleton_compact != b.skeleton_compact || a.abjad_source != b.abjad_source) {
    return "whole-name forms";
  }
  for (const auto* lists : {&a.tokens, &a.compound_tokens}) {
    const auto& other = lists == &a.tokens ? b.tokens : b.compound_tokens;
    if (lists->size() != other.size()) return "token count";
    for (std::size_t i = 0; i < other.size(); ++i) {
      const NameToken& x = (*lists)[i];
      const NameToken& y = other[i];
      if (x.text != y.text || x.skeleton != y.skeleton || x.consonants != y.consonants ||
          x.abjad != y.abjad || x.role != y.role || x.glues_to_next != y.glues_to_next ||
          x.signature != y.signature || x.signature_saturated != y.signature_saturated ||
          x.consonant_letters != y.consonant_letters || x.abjad_spellable != y.abjad_spellable) {
        return "token '" + x.text + "'";
      }
    }
  }
  return "";
}

TEST(ScreeningQuality, AsciiFastPathNormalisesAsTheIcuChain) {
  // Pure ASCII names (two thirds of the benchmark mix) skip ICU and are tokenised
  // without library calls per byte: every field must be what the ICU chain gives.
  auto normalizer = NameNormalizer::create().value();
  Tally same;
  for (const char* file :
       {"names/yente_negatives_global_1k.csv", "names/yente_negatives_us_1k.csv",
        "names/yente_positives_un_treated.csv", "names/yente_positives_un_untreated.csv"}) {
    for (const auto& row : read_csv(shared_data(file))) {
      const std::string& name = row[0];
      if (!std::all_of(name.begin(), name.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
        continue;
      }
      const std::string diff =
          normalized_difference(normalizer.normalize(name), normalizer.normalize_with_icu(name));
      same.add(diff.empty(), name + ": " + diff);
    }
  }
  same.print("ASCII names normalised as ICU does");
  EXPECT_GT(same.total, 2000);
  EXPECT_EQ(same.found, same.total);
}

TEST(ScreeningQuality, ScorerShortcutsGiveTheFullComputation) {
  // score() with a bar drops most candidates from cheap bounds before aligning them
  // and remembers pair similarities across a query's candidates. Against the full
  // computation (no bar, no memo) on every candidate of the name sets: a finished
  // score must be identical in every component and pair, and a dropped one must
  // really be below the bar (its total an upper bound of the full one).
  NameScreener& screener = un_sdn_screener();
  const ScreeningIndex& index = screener.index();
  const ScreeningConfig& config = screener.config();
  const NameScorer scorer(config);
  CandidateScratch scratch;
  std::vector<Candidate> candidates;
  PairMemo memo;
  int finished = 0, dropped = 0, wrong = 0;
  std::vector<std::string> first_wrong;
  // Mostly Latin, some other scripts, and the UN's own Arabic-script names (their
  // candidates are bounded differently: by the letters the Arabic codes can spell).
  std::vector<std::string> queries;
  for (const char* file :
       {"names/yente_negatives_global_1k.csv", "names/yente_positives_un_treated.csv"}) {
    for (const auto& row : read_csv(shared_data(file))) queries.push_back(row[0]);
  }
  for (const ListEntry& e : lists().un) {
    for (const ListedName& n : e.names) {
      if (n.kind == NameKind::kOriginalScript) queries.push_back(n.text);
    }
  }
  int abjad_queries = 0;
  for (const std::string& query : queries) {
    const NormalizedName q = screener.normalizer().normalize(query);
    abjad_queries += q.abjad_source ? 1 : 0;
    // More and weaker candidates than screening scores, so that many are dropped.
    index.candidates(q, 100, 0.3, scratch, candidates);
    memo.start_query();
    for (const Candidate& c : candidates) {
      const NormalizedName& listed = index.names()[c.name].normalized;
      const NameScore fast = scorer.score(q, listed, config.threshold, &memo);
      const NameScore full = scorer.score(q, listed);
      bool same = true;
      if (fast.partial) {
        ++dropped;
        same = full.total < config.threshold && fast.total >= full.total;
      } else {
        ++finished;
        same = fast.total == full.total && fast.token == full.token &&
               fast.jaro_winkler == full.jaro_winkler && fast.phonetic == full.phonetic &&
               fast.compact == full.compact && fast.compound_form == full.compound_form &&
               fast.pairs.size() == full.pairs.size() &&
               std::equal(fast.pairs.begin(), fast.pairs.end(), full.pairs.begin(),
                          [](const TokenPair& x, const TokenPair& y) {
                            return x.query_token == y.query_token &&
                                   x.listed_token == y.listed_token && x.similarity == y.similarity;
                          });
      }
      if (!same) {
        ++wrong;
        if (first_wrong.size() < 10) {
          first_wrong.push_back(query + " / " + listed.joined + ": " + std::to_string(fast.total) +
                                " vs " + std::to_string(full.total));
        }
      }
    }
  }
  std::printf(
      "[quality] scorer shortcuts: %zu queries (%d Arabic script): %d finished, %d "
      "dropped, %d differ\n",
      queries.size(), abjad_queries, finished, dropped, wrong);
  for (const auto& w : first_wrong) std::printf("[quality]     differs: %s\n", w.c_str());
  EXPECT_EQ(wrong, 0);
  EXPECT_GT(dropped, finished);  // the shortcut is exercised, not only the full path
  EXPECT_GT(finished, 500);
  EXPECT_GT(abjad_queries, 300);
}

// Variants generated from real list entries: what screening must survive.
class GeneratedVariants : public ::testing::Test {
 protected:
  static std::vector<std::string> tokens(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
      if (c == ' ' || c == ',') {
        if (!cur.empty()) out.push_back(cur);
        cur.clear();
      } else {
        cur.push_back(c);
      }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
  }
  static std::string join(const std::vector<std::string>& t) {
    std::string s;
    for (const auto& x : t) s += (s.empty() ? "" : " ") + x;
    return s;
  }
  // Persons with at least two name tokens, from UN and (every 4th) SDN.
  static std::vector<const ListEntry*> sources() {
    std::vector<const ListEntry*> out;
    for (const auto& e : lists().un) {
      if (e.type == EntryType::kPerson && tokens(e.names[0].text).size() >= 2) out.push_back(&e);
    }
    int k = 0;
    for (const auto& e : lists().sdn) {
      if (e.type == EntryType::kPerson && tokens(e.names[0].text).size() >= 2 && k++ % 4 == 0)
        out.push_back(&e);
    }
    return out;
  }
  void run(const char* label, std::string (*make)(const std::string&, std::mt19937&)) {
    const unsigned seed = 20260227;
    std::mt19937 rng(seed);
    NameScreener& screener = un_sdn_screener();
    Tally t;
    for (const ListEntry* e : sources()) {
      const std::string variant = make(e->names[0].text, rng);
      if (variant.empty()) continue;
      t.add(has_hit(screener.screen_query(ScreeningQuery{variant, "", "", EntryType::kUnknown, ""}),
                    e->list, e->reference),
            variant + " (listed " + e->names[0].text + ")");
    }
    t.print(label);
    EXPECT_GE(t.rate(), kRecallTarget) << "seed " << seed;
  }
};

TEST_F(GeneratedVariants, ReorderedTokens) {
  run("variants: tokens reordered", [](const std::string& n, std::mt19937& rng) {
    auto t = tokens(n);
    std::shuffle(t.begin(), t.end(), rng);
    return join(t);
  });
}

TEST_F(GeneratedVariants, DroppedParticles) {
  run("variants: particles dropped / hyphens split", [](const std::string& n, std::mt19937&) {
    std::string s = n;
    std::replace(s.begin(), s.end(), '-', ' ');
    auto t = tokens(s);
    std::vector<std::string> kept;
    bool dropped = false;
    for (const auto& x : t) {
      std::string lower;
      for (char c : x)
        lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      if (lower == "al" || lower == "el" || lower == "bin" || lower == "ibn" || lower == "abu" ||
          lower == "bint") {
        dropped = true;
        continue;
      }
      kept.push_back(x);
    }
    return dropped && kept.size() >= 2 ? join(kept) : std::string();
  });
}

TEST_F(GeneratedVariants, GluedParticlesInEitherOrder) {
  // "BIN LADEN, Usama" written "Usama Binladen": each particle glued to the name
  // after it, then the first token moved to the end (given and family name swap).
  run("variants: particles glued, order rotated", [](const std::string& n, std::mt19937&) {
    std::string s = n;
    std::replace(s.begin(), s.end(), '-', ' ');
    auto t = tokens(s);
    std::vector<std::string> glued;
    std::string pending;  // particles waiting for their name
    bool any = false;
    for (const auto& x : t) {
      std::string lower;
      for (char c : x)
        lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      if (lower == "al" || lower == "el" || lower == "bin" || lower == "ben" || lower == "ibn" ||
          lower == "abu" || lower == "van" || lower == "de" || lower == "del" || lower == "da" ||
          lower == "di" || lower == "le") {
        pending += x;
        continue;
      }
      any = any || !pending.empty();
      glued.push_back(pending + x);
      pending.clear();
    }
    if (!pending.empty()) glued.push_back(pending);
    if (!any || glued.size() < 2) return std::string();
    std::rotate(glued.begin(), glued.begin() + 1, glued.end());
    return join(glued);
  });
}

TEST_F(GeneratedVariants, OneTypo) {
  run("variants: one typo in the longest token", [](const std::string& n, std::mt19937& rng) {
    auto t = tokens(n);
    auto longest = std::max_element(
        t.begin(), t.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
    std::string& w = *longest;
    if (w.size() < 5) return std::string();
    std::uniform_int_distribution<std::size_t> pos(1, w.size() - 2);
    const std::size_t p = pos(rng);
    switch (rng() % 4) {
      case 0:
        w.erase(p, 1);
        break;  // deletion
      case 1:
        w.insert(p, 1, w[p]);
        break;  // doubled letter
      case 2:
        std::swap(w[p], w[p + 1]);
        break;  // transposition
      default:
        w[p] = static_cast<char>('A' + (w[p] - 'A' + 7) % 26);
        break;  // substitution
    }
    return join(t);
  });
}

TEST_F(GeneratedVariants, HonorificAndLowerCase) {
  run("variants: 'Sheikh' prefix, lower case", [](const std::string& n, std::mt19937&) {
    std::string s = "Sheikh " + n;
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  });
}

TEST_F(GeneratedVariants, CyrillicRendering) {
  // Latin list names as a Russian-language payment would write them.
  static icu::Transliterator* to_cyrillic = [] {
    UErrorCode st = U_ZERO_ERROR;
    UParseError pe;
    return icu::Transliterator::createInstance("Latin-Cyrillic", UTRANS_FORWARD, pe, st);
  }();
  ASSERT_NE(to_cyrillic, nullptr);
  run("variants: rendered in Cyrillic", [](const std::string& n, std::mt19937&) {
    std::string lower;
    for (char c : n)
      lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(lower);
    to_cyrillic->transliterate(u);
    std::string out;
    u.toUTF8String(out);
    return out;
  });
}

void false_positives(const char* label, const std::vector<std::string>& names) {
  NameScreener& screener = un_sdn_screener();
  Tally fp;
  for (const auto& n : names) {
    const auto& m = screener.screen_query(ScreeningQuery{n, "", "", EntryType::kUnknown, ""});
    fp.add(!m.empty(), m.empty() ? n
                                 : n + " ~ " + m[0].hit.matched_name + " " + m[0].hit.reference +
                                       " " + std::to_string(m[0].hit.score));
  }
  // Tally counts "found"=hit; print as a rate of false positives.
  Tally shown = fp;
  std::printf("[quality] %-44s %5d / %5d = %.4f\n", label, fp.found, fp.total, fp.rate());
  for (const auto& n : names) {
    const auto& m = screener.screen_query(ScreeningQuery{n, "", "", EntryType::kUnknown, ""});
    if (!m.empty())
      std::printf("[quality]     fp: %s ~ %s (%s %s) %.3f\n", n.c_str(),
                  m[0].hit.matched_name.c_str(), m[0].hit.list.c_str(), m[0].hit.reference.c_str(),
                  m[0].hit.score);
  }
  EXPECT_GT(fp.total, 100);
  EXPECT_LE(fp.rate(), kFalsePositiveCeiling);
}

std::vector<std::string> column(const std::vector<std::vector<std::string>>& rows, std::size_t c) {
  std::vector<std::string> out;
  for (const auto& r : rows) {
    if (r.size() > c && !r[c].empty()) out.push_back(r[c]);
  }
  return out;
}

TEST(ScreeningQuality, GlobalNegativesRarelyHit) {
  false_positives("FP: yente negatives global (1k)",
                  column(read_csv(shared_data("names/yente_negatives_global_1k.csv")), 0));
}

TEST(ScreeningQuality, UsNegativesRarelyHit) {
  false_positives("FP: yente negatives US (1k)",
                  column(read_csv(shared_data("names/yente_negatives_us_1k.csv")), 0));
}

TEST(ScreeningQuality, NorwegianCompaniesRarelyHit) {
  false_positives("FP: Norwegian companies not listed",
                  column(read_csv(shared_data("names/no_companies_not_listed.csv"), ';'), 1));
}

// False positives on real organisation names that are not listed (issue 13), at both
// bars a user meets: `nexus screen`'s (a hit at the threshold, name only, type unknown)
// and the stream's (NameScreener::screen on a party typed as an organisation: the hits
// that would alert). The names: tests/screening/data/README.md.
struct OrganisationFalsePositives {
  Tally screen;  // found = names with a hit at the threshold
  Tally stream;  // found = names with a hit that would alert in the stream
};

OrganisationFalsePositives organisation_false_positives(const char* label,
                                                        const std::vector<std::string>& names) {
  NameScreener& screener = un_sdn_screener();
  OrganisationFalsePositives fp;
  int shown = 0;
  for (const auto& n : names) {
    const auto& m = screener.screen_query(ScreeningQuery{n, "", "", EntryType::kUnknown, ""});
    nexus::v1::Party party;
    party.set_name(n);
    party.set_type(nexus::v1::PARTY_TYPE_ORGANIZATION);
    const auto alerts = screener.screen(party);
    fp.screen.add(!m.empty(), n);
    fp.stream.add(!alerts.empty(), n);
    if (!m.empty() && shown++ < 40) {
      std::printf("[quality]     fp: %s ~ %s (%s %s) %.3f%s\n", n.c_str(),
                  m[0].hit.matched_name.c_str(), m[0].hit.list.c_str(), m[0].hit.reference.c_str(),
                  m[0].hit.score, alerts.empty() ? "" : "  [alerts in the stream]");
    }
  }
  std::printf("[quality] %-44s %5d / %5d = %.4f at nexus screen's bar, %d = %.4f in the stream\n",
              label, fp.screen.found, fp.screen.total, fp.screen.rate(), fp.stream.found,
              fp.stream.rate());
  return fp;
}

TEST(ScreeningQuality, RealOrganisationNamesRarelyHit) {
  const auto rows = read_csv(std::string(NEXUS_SOURCE_DIR) +
                             "/tests/screening/data/organisation_names_not_listed.csv");
  std::map<std::string, std::vector<std::string>> by_script;
  for (const auto& r : rows) {
    if (r.size() >= 4 && !r[3].empty()) by_script[r[2]].push_back(r[3]);
  }
  ASSERT_GE(by_script["Latin"].size(), 5000u);
  ASSERT_GE(by_script["Arabic"].size(), 1000u);
  std::vector<std::string> all;
  for (const auto& [script, names] : by_script) {
    const auto fp = organisation_false_positives(("FP orgs: " + script).c_str(), names);
    all.insert(all.end(), names.begin(), names.end());
    if (names.size() < 500) continue;  // small groups are printed, not bounded
    EXPECT_LE(fp.screen.rate(), kOrganisationFalsePositiveCeiling) << script;
    EXPECT_LE(fp.stream.rate(), kOrganisationFalsePositiveCeiling) << script;
  }
  const auto fp = organisation_false_positives("FP orgs: all scripts", all);
  EXPECT_LE(fp.screen.rate(), kOrganisationFalsePositiveCeiling);
  EXPECT_LE(fp.stream.rate(), kOrganisationFalsePositiveCeiling);
  const auto norwegian = organisation_false_positives(
      "FP orgs: Norwegian companies",
      column(read_csv(shared_data("names/no_companies_not_listed.csv"), ';'), 1));
  EXPECT_LE(norwegian.screen.rate(), kOrganisationFalsePositiveCeiling);
}

// Issue 13, Korean and Chinese names. The shipped lists carry few: the UN list has five
// entries with a Han alias (KPi.035 KIM CHOL SAM / 金铁三 and four DPRK-programme
// companies), the OFAC SDN CSV none, and no list carries Hangul.
bool holds_han_or_hangul(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const char32_t cp = next_code_point(text, i);
    if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7A3)) return true;
  }
  return false;
}

bool finds(NameScreener& screener, const std::string& name, const std::string& list,
           const std::string& ref) {
  return has_hit(screener.score_all(ScreeningQuery{name, "", "", EntryType::kUnknown, ""},
                                    screener.config().threshold, 200),
                 list, ref);
}

TEST(ScreeningQuality, ListedHanNamesAndTheirLatinNamesFindEachOther) {
  std::vector<ListEntry> all = lists().un;
  all.insert(all.end(), lists().sdn.begin(), lists().sdn.end());
  std::vector<std::size_t> cjk_entries;
  for (std::size_t e = 0; e < all.size(); ++e) {
    if (std::any_of(all[e].names.begin(), all[e].names.end(),
                    [](const ListedName& n) { return holds_han_or_hangul(n.text); })) {
      cjk_entries.push_back(e);
    }
  }
  std::printf("[quality] UN + SDN entries with a Han or Hangul name: %zu\n", cjk_entries.size());
  ASSERT_GE(cjk_entries.size(), 5u);
  // Original script -> Latin: the Han names left out of the index, each queried.
  // Latin -> original script: the entry keeps only its Han names, its Latin names queried.
  std::vector<ListEntry> without_cjk = all;
  std::vector<ListEntry> only_cjk = all;
  for (std::size_t e : cjk_entries) {
    auto& a = without_cjk[e].names;
    a.erase(std::remove_if(a.begin(), a.end(),
                           [](const ListedName& n) { return holds_han_or_hangul(n.text); }),
            a.end());
    auto& b = only_cjk[e].names;
    b.erase(std::remove_if(b.begin(), b.end(),
                           [](const ListedName& n) { return !holds_han_or_hangul(n.text); }),
            b.end());
  }
  int persons_found_by_icu = 0;
  for (const bool readings : {false, true}) {
    auto to_latin = testing::screener_with_cjk_readings(without_cjk, readings);
    auto to_cjk = testing::screener_with_cjk_readings(only_cjk, readings);
    Tally original, latin, persons;
    for (std::size_t e : cjk_entries) {
      const ListEntry& entry = all[e];
      for (const auto& n : entry.names) {
        if (holds_han_or_hangul(n.text)) {
          const bool ok = finds(*to_latin, n.text, entry.list, entry.reference);
          original.add(ok, n.text + " (" + entry.reference + ")");
          if (entry.type == EntryType::kPerson) persons.add(ok, n.text);
        } else {
          const bool ok = finds(*to_cjk, n.text, entry.list, entry.reference);
          latin.add(ok, n.text + " (" + entry.reference + ")");
          if (entry.type == EntryType::kPerson) persons.add(ok, n.text);
        }
      }
    }
    const char* when = readings ? "with CJK readings" : "ICU only";
    original.print((std::string("listed Han name -> its entry, ") + when).c_str());
    latin.print((std::string("Latin name -> entry's Han name, ") + when).c_str());
    persons.print((std::string("of which persons (both ways), ") + when).c_str());
    if (readings) {
      // KIM CHOL SAM and 金铁三 find each other (the Korean reading of the Hanja); the
      // four companies' Han names translate their Latin ones (船務 shipping, 國際
      // international), which no romanisation can pair.
      EXPECT_EQ(persons.rate(), 1.0);
      EXPECT_GT(persons.found, persons_found_by_icu);
    } else {
      persons_found_by_icu = persons.found;  // 金铁三 / Jin Tiesan: the pinyin alias
    }
  }
}

TEST(ScreeningQuality, CjkPairsFromWatchmanAndNomenklatura) {
  // The Han and Hangul pairs of the public name-matching sets (watchman's cross-script
  // pairs; nomenklatura's bench cases that pair a CJK name with a Latin one), both ways,
  // each name a one-name entry among the UN list's.
  // Japanese names in kanji (watchman's "Japanese" section) and a foreign name written
  // in Han characters (贝拉克·奥巴马, Barack Obama) need readings this module does not
  // make: reported, not bounded.
  std::vector<std::pair<std::string, std::string>> pairs;  // original script, Latin
  std::vector<bool> korean_or_chinese;
  std::string section;
  for (const auto& r : read_csv(shared_data("names/watchman_cross_script_pairs.csv"))) {
    if (!r.empty() && !r[0].empty() && r[0][0] == '#') section = r[0];
    if (r.size() >= 2 && !r[0].empty() && r[0][0] != '#' && holds_han_or_hangul(r[0])) {
      pairs.emplace_back(r[0], r[1]);
      korean_or_chinese.push_back(section.find("Chinese") != std::string::npos ||
                                  section.find("Korean") != std::string::npos);
    }
  }
  for (const auto& r : read_csv(shared_data("names/nomenklatura_name_bench_cases.csv"))) {
    if (r.size() >= 5 && r[4] == "true" && holds_han_or_hangul(r[2]) &&
        !holds_han_or_hangul(r[3])) {
      pairs.emplace_back(r[2], r[3]);
      korean_or_chinese.push_back(false);
    }
  }
  ASSERT_GE(std::count(korean_or_chinese.begin(), korean_or_chinese.end(), true), 7);
  double icu_rate = 0;
  for (const bool readings : {false, true}) {
    std::vector<ListEntry> latin_listed = lists().un;
    std::vector<ListEntry> cjk_listed = lists().un;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const std::string ref = "CJK-" + std::to_string(i);
      latin_listed.push_back(
          testing::one_name_entry("TEST", ref, EntryType::kUnknown, pairs[i].second));
      cjk_listed.push_back(
          testing::one_name_entry("TEST", ref, EntryType::kUnknown, pairs[i].first));
    }
    auto to_latin = testing::screener_with_cjk_readings(std::move(latin_listed), readings);
    auto to_cjk = testing::screener_with_cjk_readings(std::move(cjk_listed), readings);
    Tally forward, backward, bounded;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const std::string ref = "CJK-" + std::to_string(i);
      const std::string what = pairs[i].first + " / " + pairs[i].second;
      const bool f = finds(*to_latin, pairs[i].first, "TEST", ref);
      const bool b = finds(*to_cjk, pairs[i].second, "TEST", ref);
      forward.add(f, what);
      backward.add(b, what);
      if (korean_or_chinese[i]) {
        bounded.add(f, what + " (original -> Latin)");
        bounded.add(b, what + " (Latin -> original)");
      }
    }
    const std::string when = readings ? "with CJK readings" : "ICU only";
    forward.print(("CJK pairs, original -> Latin, " + when).c_str());
    backward.print(("CJK pairs, Latin -> original, " + when).c_str());
    bounded.print(("Korean and Chinese pairs, both ways, " + when).c_str());
    if (readings) {
      EXPECT_GE(bounded.rate(), 0.85);  // 14 tries: one miss allowed
      EXPECT_GT(bounded.rate(), icu_rate);
    } else {
      icu_rate = bounded.rate();
    }
  }
}

TEST(ScreeningQuality, CjkReadingsAddFewFalsePositivesOnCjkNegatives) {
  // The Han and Hangul names of the yente negatives (Chinese, Japanese and Korean persons)
  // and of the organisation names, against UN + SDN, with and without the readings: what
  // the readings add.
  std::vector<std::string> names;
  for (const char* file :
       {"names/yente_negatives_global_1k.csv", "names/yente_negatives_us_1k.csv"}) {
    for (const auto& n : column(read_csv(shared_data(file)), 0)) {
      if (holds_han_or_hangul(n)) names.push_back(n);
    }
  }
  for (const auto& r : read_csv(std::string(NEXUS_SOURCE_DIR) +
                                "/tests/screening/data/organisation_names_not_listed.csv")) {
    if (r.size() >= 4 && holds_han_or_hangul(r[3])) names.push_back(r[3]);
  }
  ASSERT_GE(names.size(), 100u);
  std::vector<ListEntry> all = lists().un;
  all.insert(all.end(), lists().sdn.begin(), lists().sdn.end());
  for (const bool readings : {false, true}) {
    auto screener = testing::screener_with_cjk_readings(all, readings);
    Tally fp;
    for (const auto& n : names) {
      const auto& m = screener->screen_query(ScreeningQuery{n, "", "", EntryType::kUnknown, ""});
      fp.add(!m.empty(), m.empty() ? n
                                   : n + " ~ " + m[0].hit.matched_name + " " + m[0].hit.reference +
                                         " " + std::to_string(m[0].hit.score));
    }
    const char* label =
        readings ? "FP: CJK negatives, with CJK readings" : "FP: CJK negatives, ICU only";
    std::printf("[quality] %-44s %5d / %5d = %.4f\n", label, fp.found, fp.total, fp.rate());
    for (const auto& n : names) {
      const auto& m = screener->screen_query(ScreeningQuery{n, "", "", EntryType::kUnknown, ""});
      if (!m.empty())
        std::printf("[quality]     fp: %s ~ %s (%s) %.3f [%s]\n", n.c_str(),
                    m[0].hit.matched_name.c_str(), m[0].hit.reference.c_str(), m[0].hit.score,
                    m[0].query_normalized.c_str());
    }
    EXPECT_LE(fp.rate(), kFalsePositiveCeiling);
  }
}

}  // namespace
}  // namespace nexus::screening
