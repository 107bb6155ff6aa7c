// The generator's background must not carry names that are on the shipped sanctions
// lists (issue 13: "Tariq Aziz" was both a generated customer and UN IQi.025), or
// every demo and backtest raises sanctions alerts on people who are only namesakes.
// Every name the background can produce is screened against the real lists in
// ../shared/data/sanctions.
#include "connectors/lists/list_file.hpp"
#include "engine/screening/name_screener.hpp"
#include "generator/generator.hpp"

#include "tests/screening/name_sets.hpp"
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace nexus::screening {
namespace {

using testing::shared_data;

// The lists that ship in ../shared/data/sanctions and `nexus lists import` reads (the EU
// FSF CSV excerpt is in a format it does not).
const char* const kShippedLists[] = {
    "sanctions/un_consolidated_2026-02-27.xml",
    "sanctions/ofac_sdn_csv_2021-07/sdn.csv",
    "sanctions/ofac_sdn_2024-05-03.csv",
    "sanctions/ofac_cons_csv_2025-12/cons_prim.csv",
    "sanctions/eu_fsf_excerpt_2026-08-05.xml",
    "sanctions/uk_sanctions_list_excerpt_2026-08-14.xml",
    "sanctions/uk_hmt_conlist_2018-04-13.csv",
};

NameScreener& shipped_lists_screener() {
  static std::unique_ptr<NameScreener> screener = [] {
    std::vector<ListEntry> all;
    for (const char* file : kShippedLists) {
      auto loaded = lists::load_list_file(shared_data(file));
      if (!loaded) {
        std::fprintf(stderr, "cannot load %s: %s\n", file, loaded.error().message.c_str());
        std::abort();  // the loaders have their own tests; without the lists nothing here runs
      }
      for (auto& e : loaded.value().entries) all.push_back(std::move(e));
    }
    auto normalizer = NameNormalizer::create();
    EXPECT_TRUE(normalizer);
    auto s = NameScreener::create(ScreeningIndex::build(std::move(all), normalizer.value()));
    EXPECT_TRUE(s);
    return std::move(s.value());
  }();
  return *screener;
}

// A name's words, legal forms left out, sorted: "Pioneer Logistics Ltd" and PIONEER
// LOGISTICS, "Tariq Aziz" and "AZIZ, Tariq" are the same name.
std::vector<std::string> name_words(NameNormalizer& normalizer, const std::string& name) {
  std::vector<std::string> words;
  for (const NameToken& t : normalizer.normalize(name).tokens) {
    if (t.role != TokenRole::kLegalForm) words.push_back(t.text);
  }
  std::sort(words.begin(), words.end());
  return words;
}

TEST(GeneratorNames, NoBackgroundNameIsOnTheShippedLists) {
  const auto names = generator::background_names();
  ASSERT_GT(names.size(), 1000u);
  NameScreener& screener = shipped_lists_screener();
  int persons = 0;
  int listed = 0;
  int namesakes = 0;
  for (const auto& n : names) {
    persons += !n.organization;
    const ScreeningQuery q{n.name, "", "", n.organization ? EntryType::kEntity : EntryType::kPerson,
                           ""};
    const std::vector<std::string> words = name_words(screener.normalizer(), n.name);
    bool on_a_list = false;
    const std::vector<ScreeningMatch> hits = screener.screen_query(q);
    for (const ScreeningMatch& m : hits) {
      if (name_words(screener.normalizer(), m.hit.matched_name) != words) continue;
      on_a_list = true;
      ADD_FAILURE() << "background name '" << n.name << "' is " << m.hit.list << " "
                    << m.hit.reference << " " << m.hit.matched_name
                    << ": replace it in generator/detail/world.cpp";
      break;
    }
    listed += on_a_list;
    // A hit at the threshold on another spelling is a namesake, as real traffic has
    // them: the stream asks for corroboration (e2e_test.cpp bounds what alerts).
    namesakes += !on_a_list && !hits.empty();
  }
  std::printf(
      "[generator names] %zu names (%d persons) against %zu entries: %d on a list, %d "
      "namesakes at the threshold\n",
      names.size(), persons, screener.index().entries().size(), listed, namesakes);
  EXPECT_GT(persons, 1000);
  EXPECT_EQ(listed, 0);
}

}  // namespace
}  // namespace nexus::screening
