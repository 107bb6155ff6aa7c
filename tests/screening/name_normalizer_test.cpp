#include "engine/screening/name_normalizer.hpp"

#include "engine/screening/jaro_winkler.hpp"
#include "engine/screening/phonetic_key.hpp"

#include <gtest/gtest.h>

namespace nexus::screening {
namespace {

class NameNormalizerTest : public ::testing::Test {
 protected:
  NameNormalizer normalizer_ = NameNormalizer::create().value();
};

TEST_F(NameNormalizerTest, FoldsCaseDiacriticsAndCompatibilityForms) {
  EXPECT_EQ(normalizer_.normalize("Müller-Lüdenscheidt ĞÜNEŞ").joined, "muller ludenscheidt gunes");
  EXPECT_EQ(normalizer_.normalize("ＡＢＣ ﬁsher").joined,
            "abc fisher");  // NFKC: full width, ligature
  EXPECT_FALSE(normalizer_.normalize("José").abjad_source);
}

TEST_F(NameNormalizerTest, TransliteratesArabicAndMarksItAbjad) {
  const NormalizedName n = normalizer_.normalize("محمد علي");
  EXPECT_TRUE(n.abjad_source);
  ASSERT_EQ(n.tokens.size(), 2u);
  EXPECT_EQ(n.tokens[0].text, "mhmd");
  EXPECT_EQ(n.tokens[0].skeleton, phonetic_key("mohamed"));
}

TEST_F(NameNormalizerTest, TransliteratesCyrillicGreekAndHan) {
  EXPECT_EQ(normalizer_.normalize("Владимир Путин").joined, "vladimir putin");
  EXPECT_EQ(normalizer_.normalize("Νικόλαος").joined, "nikolaos");
  EXPECT_EQ(normalizer_.normalize("习近平").compact, "xijinping");
}

TEST_F(NameNormalizerTest, ApostrophesJoinAndPunctuationSplits) {
  EXPECT_EQ(normalizer_.normalize("Al-Qa'ida (AQ), Qa’idat").joined, "al qaida aq qaidat");
}

TEST_F(NameNormalizerTest, ParticlesAndHonorificsAreKeptWithTheirRoles) {
  const NormalizedName n = normalizer_.normalize("Sheikh Abu Bakr al-Baghdadi LLC");
  ASSERT_EQ(n.tokens.size(), 6u);
  EXPECT_EQ(n.tokens[0].role, TokenRole::kHonorific);
  EXPECT_EQ(n.tokens[1].role, TokenRole::kParticle);
  EXPECT_EQ(n.tokens[2].role, TokenRole::kName);
  EXPECT_EQ(n.tokens[3].role, TokenRole::kParticle);
  EXPECT_EQ(n.tokens[4].role, TokenRole::kName);
  EXPECT_EQ(n.tokens[5].role, TokenRole::kLegalForm);
}

TEST_F(NameNormalizerTest, TheophoricCompoundsGetAJoinedForm) {
  const NormalizedName n = normalizer_.normalize("Abd al-Rahman Atiq Allah");
  EXPECT_EQ(n.joined, "abd al rahman atiq allah");
  ASSERT_EQ(n.compound_tokens.size(), 2u);
  EXPECT_EQ(n.compound_tokens[0].text, "abdalrahman");
  EXPECT_EQ(n.compound_tokens[1].text, "atiqallah");
  EXPECT_TRUE(normalizer_.normalize("John Smith").compound_tokens.empty());
}

TEST_F(NameNormalizerTest, ArabicArticleIsSplitOnlyForAbjadSources) {
  EXPECT_EQ(normalizer_.normalize("التكريتي").joined, "al tkryty");
  EXPECT_EQ(normalizer_.normalize("Alexander").joined, "alexander");
}

TEST_F(NameNormalizerTest, InvalidUtf8AndEmptyInputDoNotFail) {
  EXPECT_TRUE(normalizer_.normalize("").empty());
  EXPECT_TRUE(normalizer_.normalize("  ,;- ").empty());
  EXPECT_FALSE(normalizer_.normalize("Ali \xff\xfe Hassan").empty());
}

TEST(PhoneticKey, SpellingVariantsShareAKey) {
  EXPECT_EQ(phonetic_key("mohamed"), phonetic_key("muhammad"));
  EXPECT_EQ(phonetic_key("mohammed"), "mhmd");
  EXPECT_EQ(phonetic_key("abdullah"), phonetic_key("abdulla"));
  EXPECT_EQ(phonetic_key("qadhafi"), phonetic_key("kadafi"));
  EXPECT_EQ(phonetic_key("lounici"), phonetic_key("lwnysy"));  // soft c
  EXPECT_EQ(phonetic_key("dmitrij"), phonetic_key("dmitry"));
  EXPECT_NE(phonetic_key("hassan"), phonetic_key("hussein") + "x");
  EXPECT_EQ(phonetic_key("aaa"), "aaa");  // nothing left: the token itself
}

TEST(JaroWinkler, MatchesPublishedValues) {
  // Winkler (1990) examples.
  EXPECT_NEAR(jaro_winkler("martha", "marhta"), 0.961, 0.001);
  EXPECT_NEAR(jaro_winkler("dwayne", "duane"), 0.840, 0.001);
  EXPECT_NEAR(jaro_winkler("dixon", "dicksonx"), 0.813, 0.001);
  EXPECT_DOUBLE_EQ(jaro_winkler("same", "same"), 1.0);
  EXPECT_DOUBLE_EQ(jaro_winkler("", "abc"), 0.0);
  EXPECT_DOUBLE_EQ(jaro_winkler("abc", "xyz"), 0.0);
  const std::string long_a(100, 'a');
  EXPECT_DOUBLE_EQ(jaro_winkler(long_a, long_a + "b") > 0.99, true);  // heap path
}

}  // namespace
}  // namespace nexus::screening
