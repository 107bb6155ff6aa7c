#include "engine/screening/name_normalizer.hpp"

#include "engine/screening/jaro_winkler.hpp"
#include "engine/screening/phonetic_key.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

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

TEST_F(NameNormalizerTest, ArabicLettersKeepWhatTheLatinTextMerges) {
  // Dad and dal both read "d", zah and zain both "z": the letter codes keep them apart.
  const NormalizedName fazl = normalizer_.normalize("فضل");
  ASSERT_EQ(fazl.tokens.size(), 1u);
  EXPECT_EQ(fazl.tokens[0].text, "fdl");
  EXPECT_EQ(fazl.tokens[0].abjad, "fPl");
  const NormalizedName fadl = normalizer_.normalize("فدل");
  EXPECT_EQ(fadl.tokens[0].text, "fdl");
  EXPECT_NE(fadl.tokens[0].abjad, fazl.tokens[0].abjad);
  EXPECT_TRUE(normalizer_.normalize("Fazal").tokens[0].abjad.empty());
}

TEST_F(NameNormalizerTest, UrduAndPashtoLettersAreRead) {
  // ICU drops heh goal, heh doachashmee, rreh and tteh; the table reads them.
  EXPECT_EQ(normalizer_.normalize("چوہدری").joined, "chwhdry");
  EXPECT_EQ(normalizer_.normalize("گیدڑ").joined, "gydr");
  EXPECT_EQ(normalizer_.normalize("المھاجرین").joined, "al mhajryn");
}

TEST_F(NameNormalizerTest, ArticleIsSplitOnlyFromARealAlifLam) {
  // عالیزی (Alizai) starts with ain, not the article.
  EXPECT_EQ(normalizer_.normalize("عالیزی").joined, "alyzy");
  EXPECT_EQ(normalizer_.normalize("الحرزي").joined, "al hrzy");
}

TEST_F(NameNormalizerTest, CyrillicHushingLettersAsEnglishListsWriteThem) {
  EXPECT_EQ(normalizer_.normalize("Ахмед Ражапович Чатаев").joined, "ahmed razhapovich chataev");
  EXPECT_EQ(normalizer_.normalize("Шамиль").joined, "shamil");
  // Other letters as ICU reads them, so Latin names written in Cyrillic read back.
  EXPECT_EQ(normalizer_.normalize("Хассан Эрик").joined, "hassan erik");
}

TEST_F(NameNormalizerTest, LetterTablesAgreeWithIcu) {
  // Latin with diacritics, Han, Hangul (with ICU's syllable separation), Greek,
  // Devanagari, Thai: the per-letter and per-script paths give what the full ICU
  // chain gives. (Arabic script and Cyrillic differ on purpose, tested above.)
  for (const char* name :
       {"Müller-Lüdenscheidt ĞÜNEŞ", "Đorđe Łukasz Ørsted Œuvre", "Nguyễn Tấn Dũng", "习近平",
        "金正恩", "김정은", "건우 민준 김", "박지성", "Νικόλαος Παπαδόπουλος", "नरेन्द्र मोदी",
        "ถนอมชัย สุธาวี", "ＡＢＣ　Ｄｅｆ", "José “Pepe” García—López"}) {
    EXPECT_EQ(normalizer_.normalize(name).joined, normalizer_.normalize_with_icu(name).joined)
        << name;
  }
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

// The textbook Jaro (Winkler 1990): scan the window for the first free match.
double reference_jaro(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const std::size_t window = std::max<std::size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
  std::vector<bool> a_used(a.size()), b_used(b.size());
  std::size_t m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::size_t lo = i > window ? i - window : 0;
    const std::size_t hi = std::min(i + window + 1, b.size());
    for (std::size_t j = lo; j < hi; ++j) {
      if (b_used[j] || a[i] != b[j]) continue;
      a_used[i] = b_used[j] = true;
      ++m;
      break;
    }
  }
  if (m == 0) return 0.0;
  std::size_t t = 0;
  for (std::size_t i = 0, k = 0; i < a.size(); ++i) {
    if (!a_used[i]) continue;
    while (!b_used[k]) ++k;
    if (a[i] != b[k++]) ++t;
  }
  const double md = static_cast<double>(m);
  return (md / static_cast<double>(a.size()) + md / static_cast<double>(b.size()) +
          (md - static_cast<double>(t) / 2.0) / md) /
         3.0;
}

TEST(JaroWinkler, BitParallelJaroEqualsTheTextbookScan) {
  const unsigned seed = 4242;
  std::mt19937 rng(seed);
  for (int k = 0; k < 20000; ++k) {
    // Small alphabets make many repeated letters and transpositions.
    const int alphabet = 2 + static_cast<int>(rng() % 6);
    std::string a(rng() % 40, 'a'), b(rng() % 40, 'a');
    for (auto& c : a) c = static_cast<char>('a' + rng() % static_cast<unsigned>(alphabet));
    for (auto& c : b) c = static_cast<char>('a' + rng() % static_cast<unsigned>(alphabet));
    if (a == b) continue;
    ASSERT_EQ(jaro(a, b), reference_jaro(a, b)) << a << " / " << b << " (seed " << seed << ")";
  }
}

TEST(JaroWinkler, BoundFromSharedLettersAndPrefixIsNeverBelowTheScore) {
  // The scorer skips Jaro-Winkler when this bound is below its floor: it must never
  // be below the real score, in floating point too, or a match would be lost.
  const unsigned seed = 77;
  std::mt19937 rng(seed);
  int tight = 0;
  for (int k = 0; k < 20000; ++k) {
    const int alphabet = 2 + static_cast<int>(rng() % 8);
    std::string a(1 + rng() % 20, 'a'), b(1 + rng() % 20, 'a');
    for (auto& c : a) c = static_cast<char>('a' + rng() % static_cast<unsigned>(alphabet));
    for (auto& c : b) c = static_cast<char>('a' + rng() % static_cast<unsigned>(alphabet));
    if (k % 5 == 0) b = a.substr(0, 1 + rng() % a.size()) + b;  // share a prefix
    std::size_t common = 0;  // letters both hold, with multiplicity: at least the matches
    for (char c = 'a'; c <= 'z'; ++c) {
      common += static_cast<std::size_t>(
          std::min(std::count(a.begin(), a.end(), c), std::count(b.begin(), b.end(), c)));
    }
    const double bound = jaro_winkler_bound(a.size(), b.size(), common, jaro_winkler_prefix(a, b));
    const double score = jaro_winkler(a, b);
    ASSERT_GE(bound, score) << a << " / " << b << " (seed " << seed << ")";
    tight += bound == score ? 1 : 0;
  }
  EXPECT_GT(tight, 100);  // equal whenever all shared letters match in order
  EXPECT_EQ(jaro_winkler_bound(6, 6, 6, 4), jaro_winkler("halima", "halima"));
  EXPECT_EQ(jaro_winkler_bound(4, 5, 0, 0), 0.0);
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
