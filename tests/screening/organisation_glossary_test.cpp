#include "engine/screening/organisation_glossary.hpp"

#include "engine/screening/name_screener.hpp"

#include "tests/screening/screening_test_support.hpp"
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nexus::screening {
namespace {

using Words = std::vector<std::string>;

TEST(OrganisationGlossary, MapsOrganisationWordsToEnglish) {
  EXPECT_EQ(organisation_word_english("جماعة"), (Words{"group", "groupe"}));
  EXPECT_EQ(organisation_word_english("حركة"), (Words{"movement", "mouvement"}));
  EXPECT_EQ(organisation_word_english("جبهة"), (Words{"front"}));
  EXPECT_EQ(organisation_word_english("مؤسسة"), (Words{"foundation", "establishment"}));
  EXPECT_EQ(organisation_word_english("لواء"), (Words{"brigade"}));
  EXPECT_EQ(organisation_word_english("في"), (Words{"in", "en"}));
}

TEST(OrganisationGlossary, StripsArticleAndPrefixesAndFoldsLetterVariants) {
  // The article is not rendered; the conjunction is "and".
  EXPECT_EQ(organisation_word_english("الجماعة"), (Words{"group", "groupe"}));
  EXPECT_EQ(organisation_word_english("الليبية"), (Words{"libyan"}));
  EXPECT_EQ(organisation_word_english("والجهاد"), (Words{"and jihad"}));
  EXPECT_EQ(organisation_word_english("والشام"), (Words{"and levant"}));
  // lil- (for the) and bi- (in) are not rendered.
  EXPECT_EQ(organisation_word_english("للصرافة"), (Words{"money exchange", "exchange"}));
  // Hamza on alif or not, ta marbuta as heh, Persian yeh and heh: the same entry.
  EXPECT_EQ(organisation_word_english("الإسلامية"), organisation_word_english("الاسلاميه"));
  EXPECT_EQ(organisation_word_english("تنظیم"), (Words{"organization", "organisation"}));
  EXPECT_EQ(organisation_word_english("المھاجرین"), (Words{"emigrants"}));
  EXPECT_EQ(organisation_word_english("کمپنی"), (Words{"company"}));
}

TEST(OrganisationGlossary, LeavesNamesAlone) {
  EXPECT_TRUE(organisation_word_english("محمد").empty());
  EXPECT_TRUE(organisation_word_english("حنيفة").empty());
  EXPECT_TRUE(organisation_word_english("Group").empty());
  // A prefix needs at least two letters after it: "ولد" is not "and" + "لد".
  EXPECT_TRUE(organisation_word_english("ولد").empty());
  EXPECT_TRUE(translate_organisation_words("محمد عبد الله").empty());
  EXPECT_TRUE(translate_organisation_words("").empty());
}

TEST(OrganisationGlossary, TranslatesWholeNamesIntoUpToThreeForms) {
  const auto lifg = translate_organisation_words("الجماعة الإسلامية المقاتلة الليبية");
  ASSERT_EQ(lifg.size(), 3u);
  EXPECT_EQ(lifg[0], "group islamic fighting libyan");
  EXPECT_EQ(lifg[1], "groupe islamique combattant libyan");
  // The third form keeps "jama'a" as written (transliterated names such as JNIM).
  EXPECT_EQ(lifg[2], "الجماعة islamique combatant libyan");
  // Untranslated words are kept; wa-al- before one is written apart.
  EXPECT_EQ(translate_organisation_words("مكتب حنيفة للصرافة"),
            (Words{"office حنيفة money exchange", "office حنيفة exchange"}));
  EXPECT_EQ(translate_organisation_words("جماعة نصرة الإسلام والمسلمين")[0],
            "group نصرة islam and المسلمين");
  EXPECT_EQ(translate_organisation_words("الدولة الإسلامية في العراق والشام")[0],
            "state islamic in iraq and levant");
}

ListEntry entity(std::string ref, std::string name) {
  return testing::one_name_entry("UN", std::move(ref), EntryType::kEntity, std::move(name));
}

TEST(OrganisationGlossary, ScreenerFindsTranslatedEntityUnlessQueryIsAPerson) {
  auto normalizer = NameNormalizer::create().value();
  std::vector<ListEntry> entries;
  entries.push_back(entity("QDe.011", "LIBYAN ISLAMIC FIGHTING GROUP"));
  entries.push_back(entity("QDe.153", "HANIFA MONEY EXCHANGE OFFICE"));
  auto screener = NameScreener::create(ScreeningIndex::build(entries, normalizer)).value();
  ScreeningQuery q;
  q.name = "الجماعة الإسلامية المقاتلة الليبية";
  for (EntryType type : {EntryType::kUnknown, EntryType::kEntity}) {
    q.type = type;
    const auto& hits = screener->screen_query(q);
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0].hit.reference, "QDe.011");
    EXPECT_TRUE(hits[0].glossary_translated);
    EXPECT_NE(hits[0].explain().find("translated by the glossary"), std::string::npos);
  }
  // Never for a person: a person's name is not translated.
  q.type = EntryType::kPerson;
  EXPECT_TRUE(screener->screen_query(q).empty());
  q.type = EntryType::kUnknown;
  q.name = "مكتب حنيفة للصرافة";
  const auto& hits = screener->screen_query(q);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].hit.reference, "QDe.153");
}

}  // namespace
}  // namespace nexus::screening
