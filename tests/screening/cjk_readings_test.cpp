// CJK readings (issue 13): Korean romanisations computed from the jamo, customary
// surnames, pinyin and Wade-Giles, the Hanja table of libhangul-data, and the screener
// finding Han and Hangul names by their usual Latin spellings and the reverse.
#include "engine/screening/cjk_readings.hpp"

#include "engine/screening/name_normalizer.hpp"
#include "engine/screening/name_screener.hpp"

#include "tests/screening/screening_test_support.hpp"
#include <gtest/gtest.h>

#include <algorithm>

namespace nexus::screening {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += "[" + s + "] ";
  return out;
}

const CjkReadings& tables() {
  static const CjkReadings loaded = [] {
    auto r = CjkReadings::load();
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? std::move(r).value() : CjkReadings{};
  }();
  return loaded;
}

TEST(KoreanRomanization, RevisedRomanizationFromTheJamo) {
  EXPECT_EQ(romanize_hangul(U"김", KoreanRomanization::kRevised), "gim");
  EXPECT_EQ(romanize_hangul(U"정은", KoreanRomanization::kRevised), "jeong eun");
  EXPECT_EQ(romanize_hangul(U"철삼", KoreanRomanization::kRevised), "cheol sam");
  EXPECT_EQ(romanize_hangul(U"대중", KoreanRomanization::kRevised), "dae jung");
  EXPECT_EQ(romanize_hangul(U"성택", KoreanRomanization::kRevised), "seong taek");
  EXPECT_EQ(romanize_hangul(U"박", KoreanRomanization::kRevised), "bak");
  EXPECT_EQ(romanize_hangul(U"최", KoreanRomanization::kRevised), "choe");
  EXPECT_EQ(romanize_hangul(U"희", KoreanRomanization::kRevised), "hui");
}

TEST(KoreanRomanization, McCuneReischauerVoicesInsideTheWordOnly) {
  // Kim Chong-un, Kim Tae-jung, Kim Il-song, Pak Chong-hui (breves and apostrophes off).
  EXPECT_EQ(romanize_hangul(U"정은", KoreanRomanization::kMcCuneReischauer), "chong un");
  EXPECT_EQ(romanize_hangul(U"대중", KoreanRomanization::kMcCuneReischauer), "tae jung");
  EXPECT_EQ(romanize_hangul(U"일성", KoreanRomanization::kMcCuneReischauer), "il song");
  EXPECT_EQ(romanize_hangul(U"정희", KoreanRomanization::kMcCuneReischauer), "chong hui");
  // After a voiceless final the stop stays voiceless: Hyok-chol, not Hyok-jol.
  EXPECT_EQ(romanize_hangul(U"혁철", KoreanRomanization::kMcCuneReischauer), "hyok chol");
  EXPECT_EQ(romanize_hangul(U"시", KoreanRomanization::kMcCuneReischauer), "shi");
}

TEST(KoreanRomanization, DprkWritesJAndAspiratesWithH) {
  // As the UN list writes DPRK names: KIM JONG UN, JANG SONG THAEK, KIM CHOL SAM.
  EXPECT_EQ(romanize_hangul(U"정은", KoreanRomanization::kDprk), "jong un");
  EXPECT_EQ(romanize_hangul(U"성택", KoreanRomanization::kDprk), "song thaek");
  EXPECT_EQ(romanize_hangul(U"철삼", KoreanRomanization::kDprk), "chol sam");
  EXPECT_EQ(romanize_hangul(U"장", KoreanRomanization::kDprk), "jang");
}

TEST(KoreanRomanization, SurnamesHaveTheirCustomarySpellings) {
  const auto& lee = korean_surname_spellings(U'이');
  for (const char* s : {"lee", "yi", "rhee"}) {
    EXPECT_NE(std::find(lee.begin(), lee.end(), s), lee.end()) << s;
  }
  EXPECT_EQ(korean_surname_spellings(U'박').front(), "park");
  EXPECT_EQ(korean_surname_spellings(U'리').front(), "ri");
  EXPECT_TRUE(korean_surname_spellings(U'은').size() <= 2);
  EXPECT_TRUE(korean_surname_spellings(U'쀍').empty());
}

TEST(WadeGiles, ConvertsPinyinSyllables) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"zhou", "chou"},   {"en", "en"},       {"lai", "lai"},      {"xi", "hsi"},
      {"jin", "chin"},    {"ping", "p'ing"},  {"ze", "tse"},       {"dong", "tung"},
      {"deng", "teng"},   {"xiao", "hsiao"},  {"jiang", "chiang"}, {"jie", "chieh"},
      {"shi", "shih"},    {"zi", "tzu"},      {"si", "ssu"},       {"guo", "kuo"},
      {"gui", "kuei"},    {"hui", "hui"},     {"xue", "hsueh"},    {"ri", "jih"},
      {"cong", "ts'ung"}, {"qing", "ch'ing"}, {"zhuo", "cho"},     {"luo", "lo"},
      {"he", "ho"},       {"de", "te"},       {"er", "erh"},       {"yan", "yen"},
      {"you", "yu"},      {"rong", "jung"},   {"mao", "mao"},      {"kim", "kim"}};
  for (const auto& [pinyin, wg] : cases) EXPECT_EQ(pinyin_to_wade_giles(pinyin), wg) << pinyin;
}

TEST(HanjaTable, ReadsHanjaInKoreanFromLibhangulData) {
  ASSERT_TRUE(tables().has_hanja()) << "apt-get install libhangul-data";
  auto normalizer = NameNormalizer::create().value();
  EXPECT_GT(tables().hanja_count(), 10000u);
  EXPECT_EQ(tables().hanja_to_hangul("金正恩", normalizer), "김정은");
  EXPECT_EQ(tables().hanja_to_hangul("朴正熙", normalizer), "박정희");
  // Traditional and simplified forms alike (UN KPi.035 writes 金铁三 for KIM CHOL SAM).
  EXPECT_EQ(tables().hanja_to_hangul("金鐵三", normalizer), "김철삼");
  EXPECT_EQ(tables().hanja_to_hangul("金铁三", normalizer), "김철삼");
}

TEST(HanjaTable, MissingFileIsAClearError) {
  auto r = CjkReadings::load("/nonexistent/hanja.txt");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "hanja");
  EXPECT_NE(r.error().message.find("libhangul-data"), std::string::npos);
  // The fallback still reads Hangul and the Mandarin of Han names, without Korean Hanja.
  auto normalizer = NameNormalizer::create().value();
  const CjkReadings none;
  EXPECT_TRUE(contains(none.readings("김정은", normalizer, false), "kim jong un"));
  const auto han = none.readings("金正恩", normalizer, true);
  EXPECT_FALSE(contains(han, "kim jong un")) << joined(han);
  EXPECT_TRUE(contains(han, "jin zhengen")) << joined(han);
}

TEST(CjkReadingsOfNames, HangulNameReadsInEverySystem) {
  auto normalizer = NameNormalizer::create().value();
  const auto r = tables().readings("김정은", normalizer, false);
  for (const char* s : {"kim jong un", "kim chong un", "gim jeong eun"}) {
    EXPECT_TRUE(contains(r, s)) << s << " in " << joined(r);
  }
  // A surname written apart keeps its customary spellings.
  const auto apart = tables().readings("이 민호", normalizer, false);
  EXPECT_TRUE(contains(apart, "lee min ho")) << joined(apart);
  const auto park = tables().readings("박정희", normalizer, false);
  for (const char* s : {"park chong hui", "pak chong hui", "park jeong hui"}) {
    EXPECT_TRUE(contains(park, s)) << s << " in " << joined(park);
  }
}

TEST(CjkReadingsOfNames, HanNameReadsInPinyinWadeGilesAndKorean) {
  auto normalizer = NameNormalizer::create().value();
  const auto kim = tables().readings("金正恩", normalizer, false);
  EXPECT_TRUE(contains(kim, "kim jong un")) << joined(kim);
  EXPECT_TRUE(contains(kim, "jin zhengen")) << joined(kim);
  const auto zhou = tables().readings("周恩来", normalizer, false);
  EXPECT_TRUE(contains(zhou, "zhou enlai")) << joined(zhou);
  EXPECT_TRUE(contains(zhou, "chou en-lai")) << joined(zhou);
  // Latin words beside the Han ones are not read; a Latin name has no reading.
  const auto alias = tables().readings("Jin Tiesan (金铁三)", normalizer, true);
  EXPECT_TRUE(contains(alias, "kim chol sam")) << joined(alias);
  EXPECT_TRUE(tables().readings("Kim Jong Un", normalizer, true).empty());
  // Japanese (kana beside kanji) is read neither as Chinese nor as Korean.
  EXPECT_TRUE(tables().readings("あすか 高橋", normalizer, false).empty());
}

ListEntry person(std::string ref, std::string name) {
  return testing::one_name_entry("TEST", std::move(ref), EntryType::kPerson, std::move(name));
}

bool finds(NameScreener& screener, const std::string& name, const std::string& ref) {
  ScreeningQuery q;
  q.name = name;
  for (const auto& m : screener.screen_query(q)) {
    if (m.hit.reference == ref) return true;
  }
  return false;
}

std::unique_ptr<NameScreener> screener_over(std::vector<ListEntry> entries, bool readings) {
  return testing::screener_with_cjk_readings(std::move(entries), readings);
}

TEST(CjkScreening, OriginalScriptQueriesFindTheirLatinListedNames) {
  std::vector<ListEntry> entries = {person("K1", "KIM Jong Un"), person("K2", "PARK Chung-hee"),
                                    person("C1", "CHOU En-lai"), person("C2", "XI Jinping"),
                                    person("K3", "KIM Jong Il")};
  auto with = screener_over(entries, true);
  auto without = screener_over(entries, false);
  const std::vector<std::pair<std::string, std::string>> queries = {
      {"김정은", "K1"}, {"金正恩", "K1"}, {"박정희", "K2"}, {"周恩来", "C1"}, {"习近平", "C2"}};
  for (const auto& [name, ref] : queries) {
    EXPECT_TRUE(finds(*with, name, ref)) << name;
  }
  // ICU's readings alone (gim jeong eun, jin zheng en) miss the Korean names.
  EXPECT_FALSE(finds(*without, "김정은", "K1"));
  EXPECT_FALSE(finds(*without, "金正恩", "K1"));
  // The readings do not make a brother of the father: 김정은 is not KIM Jong Il.
  EXPECT_FALSE(finds(*with, "김정은", "K3"));
}

TEST(CjkScreening, LatinQueriesFindHangulAndHanListedNames) {
  std::vector<ListEntry> entries = {person("K1", "김정은"), person("K2", "金铁三"),
                                    person("C1", "周恩来")};
  auto with = screener_over(entries, true);
  for (const char* name : {"Kim Jong Un", "KIM Jong-un", "Kim Chong-un", "Kim Jongun"}) {
    EXPECT_TRUE(finds(*with, name, "K1")) << name;
  }
  EXPECT_TRUE(finds(*with, "KIM CHOL SAM", "K2"));
  EXPECT_TRUE(finds(*with, "Chou En-lai", "C1"));
  EXPECT_TRUE(finds(*with, "Zhou Enlai", "C1"));
  EXPECT_TRUE(finds(*with, "Zhōu Ēnlái", "C1"));  // pinyin with its tone marks
  EXPECT_FALSE(finds(*with, "Kim Jong Il", "K1"));
  auto without = screener_over(entries, false);
  EXPECT_FALSE(finds(*without, "Kim Jong Un", "K1"));
}

}  // namespace
}  // namespace nexus::screening
