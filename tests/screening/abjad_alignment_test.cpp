// Arabic-script letters, their alignment with Latin spellings, and the scorer's
// use of them (split and joined words, letters the Latin text merges).
#include "engine/screening/abjad_alignment.hpp"

#include "engine/screening/name_normalizer.hpp"
#include "engine/screening/name_scorer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nexus::screening {
namespace {

class AbjadAlignmentTest : public ::testing::Test {
 protected:
  // Letter codes of a one-word Arabic-script name.
  std::string codes(const std::string& arabic) {
    const NormalizedName n = normalizer_.normalize(arabic);
    EXPECT_EQ(n.tokens.size(), 1u) << arabic;
    return n.tokens.empty() ? std::string() : n.tokens[0].abjad;
  }
  NameNormalizer normalizer_ = NameNormalizer::create().value();
};

TEST_F(AbjadAlignmentTest, CustomarySpellingsAlign) {
  // Each Arabic word with spellings found on the UN and OFAC lists; the first is
  // a usual spelling of every letter (1.0), the others at most regional (>= 0.9).
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"فضل", {"fazal", "fazl", "fadl", "fadhl"}},       // dad: d, dh, z
      {"كاظم", {"kathim", "kazim", "kadhim", "kazem"}},  // zah: z, dh, th
      {"ذاكر", {"zakir", "dhakir", "zakir"}},            // thal: dh, z
      {"قاسمي", {"gasmi", "qasmi", "kasmi", "qasimi"}},  // qaf: q, g, k
      {"محمد", {"mohammed", "muhammad", "mohamad", "mohamed"}},
      {"علي", {"ali", "aly"}},                  // ain unwritten
      {"نور", {"noor", "nur", "nour"}},         // waw: o, u, oo, ou
      {"رجب", {"rajab", "ragab"}},              // jeem: j, g (Egyptian)
      {"حمزة", {"hamza", "hamzah", "hamzat"}},  // ta marbuta
  };
  for (const auto& [arabic, spellings] : cases) {
    const std::string c = codes(arabic);
    EXPECT_DOUBLE_EQ(abjad_similarity(c, spellings[0]), 1.0) << arabic << " " << spellings[0];
    for (const auto& latin : spellings) {
      EXPECT_GE(abjad_similarity(c, latin), 0.9) << arabic << " [" << c << "] " << latin;
    }
  }
}

TEST_F(AbjadAlignmentTest, DifferentNamesStayApart) {
  const std::string mhmd = codes("محمد");
  // Mahmoud is محمود: the written long vowel costs.
  EXPECT_LT(abjad_similarity(mhmd, "mahmoud"), 1.0);
  EXPECT_LT(abjad_similarity(mhmd, "ahmed"), 0.8);
  EXPECT_LT(abjad_similarity(mhmd, "hamid"), 0.8);
  EXPECT_LT(abjad_similarity(codes("فضل"), "faisal"), 0.8);
  EXPECT_LT(abjad_similarity(codes("علي"), "alan"), 0.8);
  // Unknown input says so.
  EXPECT_EQ(abjad_similarity("", "ali"), -1.0);
  EXPECT_EQ(abjad_similarity("El?", "ali"), -1.0);
}

TEST_F(AbjadAlignmentTest, FloorShortcutAgreesWithTheFullAlignment) {
  // With a floor the function may stop early, but never on a pair that reaches it.
  const std::vector<std::string> arabic = {"محمد", "فضل", "كاظم", "عبدالله", "قاسمي", "حسن"};
  const std::vector<std::string> latin = {"mohammed", "mahmoud", "fazal", "faisal", "kathim",
                                          "abdullah", "abdalla", "gasmi", "hassan", "husain",
                                          "smith",    "johnson", "hasan", "kasim",  "a"};
  for (const auto& a : arabic) {
    const std::string c = codes(a);
    for (const auto& l : latin) {
      for (double floor : {0.5, 0.8, 0.9}) {
        const double full = abjad_similarity(c, l);
        const double quick = abjad_similarity(c, l, floor);
        EXPECT_EQ(full >= floor, quick >= floor) << a << " " << l << " " << floor;
        if (full >= floor) {
          EXPECT_DOUBLE_EQ(full, quick) << a << " " << l;
        }
      }
    }
  }
}

TEST_F(AbjadAlignmentTest, SpellingVariantsGiveTheAlternativeLetters) {
  const auto v = abjad_spelling_variants(codes("فضل"), 3);
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v[0], "fzl");                                          // dad as z
  EXPECT_TRUE(abjad_spelling_variants(codes("سمير"), 3).empty());  // nothing ambiguous
}

TEST_F(AbjadAlignmentTest, ScorerPairsArabicWordsWithTheirLatinSpellings) {
  const NameScorer scorer{ScreeningConfig{}};
  const ScreeningConfig config;
  auto score = [&](const std::string& query, const std::string& listed) {
    return scorer.score(normalizer_.normalize(query), normalizer_.normalize(listed)).total;
  };
  // Letters ICU merges (dad / dal) no longer cost a token.
  EXPECT_GE(score("فضل رحيم", "FAZAL RAHIM"), config.threshold);
  EXPECT_GE(score("رشيد طعان كاظم", "Rashid Taan Kathim"), config.threshold);
  // Split on one side, joined on the other (Wali Jan / Walijan; Akhund Zada).
  EXPECT_GE(score("ولی جان", "WALIJAN"), config.threshold);
  // The article inside a compound, assimilated in Latin.
  EXPECT_GE(score("شمس الرحمن عبد الظاهر", "SHAMS UR-RAHMAN ABDUL ZAHIR"), config.threshold);
  // Not every Latin name with the same consonants.
  EXPECT_LT(score("فضل رحيم", "FAISAL RAHMAN"), config.threshold);
  EXPECT_LT(score("محمد علي", "AHMED ALI"), config.threshold);
}

}  // namespace
}  // namespace nexus::screening
