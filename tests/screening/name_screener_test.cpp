#include "engine/screening/name_screener.hpp"

#include "engine/screening/name_scorer.hpp"

#include <gtest/gtest.h>

namespace nexus::screening {
namespace {

ListEntry person(std::string list, std::string ref, std::vector<std::string> names,
                 std::vector<std::string> dobs = {}, std::vector<std::string> countries = {},
                 std::vector<std::string> ids = {}) {
  ListEntry e;
  e.list = std::move(list);
  e.reference = std::move(ref);
  e.type = EntryType::kPerson;
  for (std::size_t i = 0; i < names.size(); ++i) {
    e.names.push_back(ListedName{names[i], i == 0 ? NameKind::kPrimary : NameKind::kAlias,
                                 AliasStrength::kStrong});
  }
  e.dates_of_birth = std::move(dobs);
  e.countries = std::move(countries);
  e.identifiers = std::move(ids);
  e.programme = "TEST";
  return e;
}

std::vector<ListEntry> sample_entries() {
  std::vector<ListEntry> v;
  v.push_back(person("UN", "QDi.299",
                     {"ABU BAKR AL-BAGHDADI", "Ibrahim Awwad Ibrahim Ali al-Badri"}, {"1971"},
                     {"IQ"}, {"A1234567"}));
  v.push_back(person("UN", "IQi.025", {"TARIQ AZIZ", "طارق عزيز"}, {"1936-07-01"}, {"IQ"}));
  v.push_back(person("OFAC-SDN", "12345", {"SMITH, John Robert"}, {"1980-01-01"}, {"US"}));
  ListEntry company;
  company.list = "OFAC-SDN";
  company.reference = "777";
  company.type = EntryType::kEntity;
  company.names.push_back({"AL-FURQAN TRADING LLC", NameKind::kPrimary, AliasStrength::kStrong});
  company.names.push_back({"FURQAN CO", NameKind::kAlias, AliasStrength::kWeak});
  v.push_back(company);
  return v;
}

class NameScreenerTest : public ::testing::Test {
 protected:
  std::unique_ptr<NameScreener> make(ScreeningConfig config = {}, AllowList allow = {}) {
    auto normalizer = NameNormalizer::create().value();
    std::shared_ptr<const ScreeningIndex> index =
        ScreeningIndex::build(sample_entries(), normalizer);
    return std::move(NameScreener::create(index, config, std::move(allow)).value());
  }
  static ScreeningQuery query(std::string name) {
    ScreeningQuery q;
    q.name = std::move(name);
    return q;
  }
};

TEST_F(NameScreenerTest, ReorderedNameWithoutParticleHitsAndExplainsItself) {
  auto screener = make();
  const auto& hits = screener->screen_query(query("Baghdadi, Abu Bakr"));
  ASSERT_FALSE(hits.empty());
  const ScreeningMatch& m = hits[0];
  EXPECT_EQ(m.hit.list, "UN");
  EXPECT_EQ(m.hit.reference, "QDi.299");
  EXPECT_EQ(m.hit.matched_name, "ABU BAKR AL-BAGHDADI");
  EXPECT_GE(m.hit.score, screener->config().threshold);
  const std::string why = m.explain();
  EXPECT_NE(why.find("primary 'ABU BAKR AL-BAGHDADI'"), std::string::npos) << why;
  EXPECT_NE(why.find("baghdadi~baghdadi"), std::string::npos) << why;
  EXPECT_NE(why.find(">= threshold 0.880"), std::string::npos) << why;
}

TEST_F(NameScreenerTest, ArabicScriptQueryFindsLatinEntry) {
  auto screener = make();
  // Index without the Arabic alias: only the Latin name can match.
  auto entries = sample_entries();
  entries[1].names.pop_back();
  auto normalizer = NameNormalizer::create().value();
  screener->set_index(ScreeningIndex::build(entries, normalizer));
  const auto& hits = screener->screen_query(query("طارق عزيز"));
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].hit.reference, "IQi.025");
}

TEST_F(NameScreenerTest, UnrelatedNameDoesNotHit) {
  auto screener = make();
  EXPECT_TRUE(screener->screen_query(query("Maria Fernanda Lopez")).empty());
  EXPECT_TRUE(screener->screen_query(query("")).empty());
}

TEST_F(NameScreenerTest, DateOfBirthMismatchPullsBelowThresholdAndMatchLifts) {
  ScreeningConfig config;
  auto screener = make(config);
  ScreeningQuery q = query("John Smith");
  const auto base = screener->score_all(q, 0.0, 5);
  ASSERT_FALSE(base.empty());
  q.date_of_birth = "1980-01-01";
  const auto same = screener->score_all(q, 0.0, 5);
  q.date_of_birth = "1950-05-05";
  const auto other = screener->score_all(q, 0.0, 5);
  EXPECT_DOUBLE_EQ(same[0].dob_adjustment, config.dob_exact_bonus);
  EXPECT_DOUBLE_EQ(other[0].dob_adjustment, config.dob_mismatch_penalty);
  EXPECT_GT(same[0].hit.score, base[0].hit.score);
  EXPECT_LT(other[0].hit.score, base[0].hit.score);
}

TEST_F(NameScreenerTest, PartialDatesOfBirthCompareAtTheirOwnPrecision) {
  ScreeningConfig config;
  auto entries = sample_entries();
  entries[2].dates_of_birth = {"1980-01-01", "1975-06"};  // a full date and a month, as lists give
  auto normalizer = NameNormalizer::create().value();
  auto screener = make(config);
  screener->set_index(ScreeningIndex::build(entries, normalizer));
  auto dob = [&](const std::string& date) {
    ScreeningQuery q = query("John Smith");
    q.date_of_birth = date;
    const auto m = screener->score_all(q, 0.0, 1);
    EXPECT_FALSE(m.empty());
    return m.empty() ? 99.0 : m[0].dob_adjustment;
  };
  EXPECT_DOUBLE_EQ(dob("1980-01-01"), config.dob_exact_bonus);
  EXPECT_DOUBLE_EQ(dob("1980-01"), config.dob_month_bonus);     // a month against the full date
  EXPECT_DOUBLE_EQ(dob("1975-06-30"), config.dob_month_bonus);  // a full date against the month
  EXPECT_DOUBLE_EQ(dob("1975-07"), config.dob_year_bonus);      // same year, other month
  EXPECT_DOUBLE_EQ(dob("1980"), config.dob_year_bonus);
  EXPECT_DOUBLE_EQ(dob("1960-03"), config.dob_mismatch_penalty);
  EXPECT_DOUBLE_EQ(dob(""), 0.0);
}

TEST_F(NameScreenerTest, OfacProfileScoresEveryNameAsTheOfacToolDoes) {
  auto screener = make(ofac_profile_config());
  // The tool's per-name-part score: SMITH and JOHN both found in "SMITH, John Robert".
  const auto& hits = screener->screen_query(query("JOHN SMITH"));
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].hit.reference, "12345");
  EXPECT_DOUBLE_EQ(hits[0].hit.score, 1.0);
  EXPECT_TRUE(hits[0].ofac_profile);
  EXPECT_NE(hits[0].explain().find("OFAC Sanctions List Search profile"), std::string::npos)
      << hits[0].explain();
  // Secondary evidence is recorded, never added: the tool scores names only.
  ScreeningQuery q = query("JOHN SMITH");
  q.date_of_birth = "1950";
  const auto with_dob = screener->score_all(q, 0.0, 1);
  ASSERT_FALSE(with_dob.empty());
  EXPECT_DOUBLE_EQ(with_dob[0].hit.score, 1.0);
  EXPECT_LT(with_dob[0].dob_adjustment, 0.0);
  // One shared given name out of two: the tool's mean over name parts, below 0.90.
  const auto tariq = screener->score_all(query("TARIQ HUSSEIN"), 0.0, 3);
  ASSERT_FALSE(tariq.empty());
  EXPECT_EQ(tariq[0].hit.reference, "IQi.025");
  EXPECT_LT(tariq[0].hit.score, 0.9);
  EXPECT_GT(tariq[0].hit.score, 0.5);
}

TEST_F(NameScreenerTest, IdentifierAndCountryAreSecondaryEvidence) {
  auto screener = make();
  ScreeningQuery q = query("Abu Bakr Bagdadi");
  q.identifier = "a 123-4567";
  q.country = "IQ";
  const auto m = screener->score_all(q, 0.0, 1);
  ASSERT_FALSE(m.empty());
  EXPECT_GT(m[0].identifier_adjustment, 0.0);
  EXPECT_GT(m[0].country_adjustment, 0.0);
  q.country = "FR";
  EXPECT_LT(screener->score_all(q, 0.0, 1)[0].country_adjustment, 0.0);
}

TEST_F(NameScreenerTest, PersonQueryAgainstEntityIsPenalised) {
  auto screener = make();
  ScreeningQuery q = query("Al Furqan Trading");
  const double unknown = screener->score_all(q, 0.0, 1)[0].hit.score;
  q.type = EntryType::kPerson;
  const auto m = screener->score_all(q, 0.0, 1);
  EXPECT_LT(m[0].type_adjustment, 0.0);
  EXPECT_LT(m[0].hit.score, unknown);
}

TEST_F(NameScreenerTest, AllowListSuppressesReviewedHitOnly) {
  auto normalizer = NameNormalizer::create().value();
  AllowList allow({AllowListRecord{"Robert Smith John", "OFAC-SDN", "12345",
                                   "different person, DOB 1975", "analyst.a", "2026-01-02"}},
                  normalizer);
  auto screener = make({}, std::move(allow));
  const auto& matches = screener->screen_query(query("John Robert Smith"));
  ASSERT_FALSE(matches.empty());
  EXPECT_NE(matches[0].suppressed_by.find("analyst.a"), std::string::npos);
  v1::Party party;
  party.set_name("John Robert Smith");
  EXPECT_TRUE(screener->screen(party).empty());
  party.set_name("Abu Bakr al-Baghdadi");
  // In a four-entry index no name is distinctive: corroborated by year of birth and country.
  party.set_date_of_birth("1971-05-01");
  party.set_country("IQ");
  EXPECT_FALSE(screener->screen(party).empty());
}

TEST_F(NameScreenerTest, ScreenMapsPartyFieldsAndCaches) {
  auto screener = make();
  v1::Party party;
  party.set_name("Tariq Aziz");
  party.set_type(v1::PARTY_TYPE_PERSON);
  party.set_date_of_birth("1936-07-01");
  party.set_country("IQ");
  const auto first = screener->screen(party);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].reference, "IQi.025");
  EXPECT_EQ(first[0].programme, "TEST");
  const std::size_t misses = screener->cache().misses();
  const auto second = screener->screen(party);
  EXPECT_EQ(screener->cache().misses(), misses);
  EXPECT_EQ(screener->cache().hits(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_DOUBLE_EQ(second[0].score, first[0].score);
}

TEST_F(NameScreenerTest, ThresholdIsConfigurable) {
  ScreeningConfig strict;
  strict.threshold = 0.999;
  auto screener = make(strict);
  EXPECT_TRUE(screener->screen_query(query("Abu Bakr Bagdadi")).empty());
  ScreeningConfig loose;
  loose.threshold = 0.80;
  EXPECT_FALSE(make(loose)->screen_query(query("Abu Bakr Bagdadi")).empty());
}

TEST_F(NameScreenerTest, CacheCanBeDisabled) {
  ScreeningConfig config;
  config.cache_capacity = 0;
  auto screener = make(config);
  EXPECT_FALSE(screener->screen_query(query("Tariq Aziz")).empty());
  EXPECT_FALSE(screener->screen_query(query("Tariq Aziz")).empty());
  EXPECT_EQ(screener->cache().size(), 0u);
}

TEST_F(NameScreenerTest, ScoresDoNotDependOnEarlierQueries) {
  // The pair memo and the per-code-point table remember values across candidates
  // and queries; what came before must not change a score.
  ScreeningConfig config;
  config.cache_capacity = 0;
  auto screener = make(config);
  const std::vector<std::string> names = {"طارق عزيز", "Tariq Aziz", "Abu Bakr al-Baghdadi",
                                          "Müller Zoë", "金正恩"};
  std::vector<std::vector<double>> first;
  for (const auto& n : names) {
    std::vector<double> scores;
    for (const auto& m : screener->score_all(query(n), 0.5, 20)) scores.push_back(m.hit.score);
    first.push_back(scores);
  }
  for (std::size_t k = names.size(); k-- > 0;) {  // again, in reverse order
    std::vector<double> scores;
    for (const auto& m : screener->score_all(query(names[k]), 0.5, 20)) {
      scores.push_back(m.hit.score);
    }
    EXPECT_EQ(scores, first[k]) << names[k];
  }
  // And the same as the scorer alone, without a memo.
  auto normalizer = NameNormalizer::create().value();
  const NameScorer scorer{config};
  const auto& listed = screener->index().names();
  const NormalizedName q = normalizer.normalize("طارق عزيز");
  for (const auto& m : screener->score_all(query("طارق عزيز"), 0.5, 20)) {
    for (const auto& n : listed) {
      if (n.entry == m.entry &&
          screener->index().entries()[n.entry].names[n.name_index].text == m.hit.matched_name) {
        EXPECT_DOUBLE_EQ(scorer.score(q, n.normalized).total, m.name.total);
      }
    }
  }
}

TEST(NameScreener, CommonNameNeedsCorroborationInTheStreamDistinctiveNameDoesNot) {
  // Twenty Lopezes and twenty Luises: "Luis Lopez" is a common name by the list's own
  // token statistics; "Zarqawi" is on one entry only.
  std::vector<ListEntry> entries;
  for (int i = 0; i < 20; ++i) {
    const std::string n = std::to_string(i);
    entries.push_back(person("OFAC-SDN", "L" + n, {"LOPEZ, Pedro" + std::string(1, 'a' + i)}));
    entries.push_back(person("OFAC-SDN", "U" + n, {"GARCIA, Luis" + std::string(1, 'a' + i)}));
  }
  entries.push_back(person("OFAC-SDN", "6704", {"LOPEZ, Luis"}, {"1964-02-22"}, {"MX"}));
  entries.push_back(person("UN", "QI.1", {"ABU MUSAB AL-ZARQAWI"}, {"1966"}, {"JO"}));
  auto normalizer = NameNormalizer::create().value();
  std::shared_ptr<const ScreeningIndex> index = ScreeningIndex::build(entries, normalizer);
  ScreeningConfig config;
  config.distinctive_name_bits = 10;  // a 42-entry index holds at most log2(22) bits a token
  auto screener = std::move(NameScreener::create(index, config).value());
  v1::Party party;
  party.set_name("Luis Lopez");
  party.set_type(v1::PARTY_TYPE_PERSON);
  party.set_country("MX");
  party.set_date_of_birth("1964-03-01");  // the listed year and country: not enough
  EXPECT_TRUE(screener->screen(party).empty());
  // `nexus screen` still shows the hit, labelled.
  ScreeningQuery q;
  q.name = "Luis Lopez";
  const auto& shown = screener->screen_query(q);
  ASSERT_FALSE(shown.empty());
  EXPECT_EQ(shown[0].hit.reference, "6704");
  EXPECT_FALSE(shown[0].counts_in_stream());
  EXPECT_NE(shown[0].basis().find("name only, common name"), std::string::npos) << shown[0].basis();
  EXPECT_NE(shown[0].explain().find("needs corroboration"), std::string::npos);
  // The listed date of birth corroborates it, and the hit says so.
  party.set_date_of_birth("1964-02-22");
  auto hits = screener->screen(party);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].reference, "6704");
  EXPECT_NE(hits[0].basis.find("corroborated by date of birth"), std::string::npos)
      << hits[0].basis;
  // A distinctive name hits on the name alone, and says so.
  party.set_name("Abu Musab al-Zarqawi");
  party.set_country("");
  hits = screener->screen(party);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].reference, "QI.1");
  EXPECT_TRUE(hits[0].basis.starts_with("distinctive name")) << hits[0].basis;
}

TEST(NameScreener, ExactDateOrIdentifierCorroboratesYearOnlyEntryTakesYearAndCountry) {
  std::vector<ListEntry> entries = sample_entries();
  entries[3].countries = {"TR"};  // AL-FURQAN TRADING LLC
  auto normalizer = NameNormalizer::create().value();
  std::shared_ptr<const ScreeningIndex> index = ScreeningIndex::build(entries, normalizer);
  auto screener = std::move(NameScreener::create(index).value());  // nothing distinctive here
  v1::Party party;
  party.set_name("Abu Bakr al-Baghdadi");
  party.set_country("IQ");
  EXPECT_TRUE(screener->screen(party).empty()) << "a person's name and country alone";
  party.set_national_id("A 123 4567");
  auto hits = screener->screen(party);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_NE(hits[0].basis.find("identifier"), std::string::npos) << hits[0].basis;
  party.clear_national_id();
  party.set_date_of_birth("1971-01-01");  // QDi.299 lists only the year 1971
  hits = screener->screen(party);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_NE(hits[0].basis.find("year of birth and country"), std::string::npos) << hits[0].basis;
  // An organisation has no date of birth: its country corroborates it.
  v1::Party company;
  company.set_name("Al-Furqan Trading LLC");
  company.set_type(v1::PARTY_TYPE_ORGANIZATION);
  EXPECT_TRUE(screener->screen(company).empty());
  company.set_country("TR");
  hits = screener->screen(company);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_NE(hits[0].basis.find("corroborated by country"), std::string::npos) << hits[0].basis;
}

TEST(NameScorer, TokenOrderDoesNotMatterButExtraTokensDo) {
  auto normalizer = NameNormalizer::create().value();
  NameScorer scorer{ScreeningConfig{}};
  const auto a = normalizer.normalize("Ahmed Hassan Ali");
  EXPECT_NEAR(scorer.score(a, normalizer.normalize("Ali, Ahmed Hassan")).token, 1.0, 1e-9);
  const double longer = scorer.score(normalizer.normalize("Ahmed Ali"), a).total;
  EXPECT_LT(longer, scorer.score(normalizer.normalize("Ahmed Hassan Ali"), a).total);
  EXPECT_LT(scorer.score(normalizer.normalize("Peter Jones"), a).total, 0.5);
}

TEST(NameScorer, HonorificsAndParticlesWeighLittle) {
  auto normalizer = NameNormalizer::create().value();
  NameScorer scorer{ScreeningConfig{}};
  const auto listed = normalizer.normalize("Abu Bakr al-Baghdadi");
  EXPECT_GT(scorer.score(normalizer.normalize("Sheikh Abu Bakr al-Baghdadi"), listed).total, 0.95);
  EXPECT_GT(scorer.score(normalizer.normalize("Abu Bakr Baghdadi"), listed).total, 0.90);
  EXPECT_GT(scorer.score(normalizer.normalize("Bakr Baghdadi"), listed).total, 0.80);
}

TEST(NameScorer, OneLetterApartCountryIsNotAMatchButShiftedSpaceIs) {
  auto normalizer = NameNormalizer::create().value();
  NameScorer scorer{ScreeningConfig{}};
  const double threshold = ScreeningConfig{}.threshold;
  const auto iraq = normalizer.normalize("CENTRAL BANK OF IRAQ");
  EXPECT_LT(scorer.score(normalizer.normalize("Central Bank of Iran"), iraq).total, threshold);
  EXPECT_DOUBLE_EQ(scorer.score(normalizer.normalize("Central Bank of Iraq"), iraq).total, 1.0);
  const auto tikriti = normalizer.normalize("HALA SADDAM HUSSEIN AL-TIKRITI");
  EXPECT_GE(scorer.score(normalizer.normalize("HALA SADDAM HUSSEIN ALT-IKRITI"), tikriti).total,
            threshold);
}

TEST(NameScorer, ParticleGluedToTheNextNameMatchesInEitherOrder) {
  // "Binladin Usama" matched BIN LADEN, Usama only because its separator-free form
  // happened to be in the listed order; "Usama Binladin" did not. A particle written
  // together with the name after it must pair wherever it stands in the name.
  auto normalizer = NameNormalizer::create().value();
  NameScorer scorer{ScreeningConfig{}};
  const double threshold = ScreeningConfig{}.threshold;
  auto score = [&](std::string_view q, std::string_view listed) {
    return scorer.score(normalizer.normalize(q), normalizer.normalize(listed)).total;
  };
  for (const char* q : {"Binladin Usama", "Usama Binladin", "Osama BinLaden", "Usama Binladen"}) {
    EXPECT_GE(std::max(score(q, "BIN LADEN, Usama"), score(q, "BIN LADIN, Usama")), threshold) << q;
  }
  // Not this one name: other particles, the list gluing what the query splits,
  // and a run of particles glued to its name.
  EXPECT_GE(score("Ahmed Benali", "BEN ALI, Ahmed"), threshold);
  EXPECT_GE(score("Abdullah Alqahtani", "AL-QAHTANI, Abdullah"), threshold);
  EXPECT_GE(score("Usama bin Ladin", "BINLADIN, Usama"), threshold);
  EXPECT_GE(score("Hans Vandenberg", "VAN DEN BERG, Hans"), threshold);
  EXPECT_GE(score("Maria Delacruz", "DE LA CRUZ, Maria"), threshold);
  // Gluing does not make a different name match.
  EXPECT_LT(score("Usama Binali", "BIN LADEN, Usama"), threshold);
  EXPECT_LT(score("Ahmed Benson", "BEN ALI, Ahmed"), threshold);
}

TEST(NameScreener, GluedParticleFindsTheEntryInEitherOrder) {
  std::vector<ListEntry> entries = sample_entries();
  entries.push_back(person("OFAC-SDN", "6365", {"BIN LADEN, Usama", "BIN LADIN, Osama"}));
  entries.push_back(person("EU", "EU.1", {"VAN DEN BERG, Hans Pieter"}));
  auto normalizer = NameNormalizer::create().value();
  std::shared_ptr<const ScreeningIndex> index = ScreeningIndex::build(entries, normalizer);
  auto screener = std::move(NameScreener::create(index).value());
  for (const char* name : {"Binladin Usama", "Usama Binladin", "Osama BinLaden", "Usama Binladen",
                           "BinLaden, Osama"}) {
    ScreeningQuery q;
    q.name = name;
    const auto& hits = screener->screen_query(q);
    ASSERT_FALSE(hits.empty()) << name;
    EXPECT_EQ(hits[0].hit.reference, "6365") << name;
  }
  ScreeningQuery q;
  q.name = "Hans Pieter Vandenberg";
  const auto& hits = screener->screen_query(q);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].hit.reference, "EU.1");
  // A run of particles glued to its name has an index key of its own.
  CandidateScratch scratch;
  std::vector<Candidate> found;
  index->candidates(normalizer.normalize("Vandenberg"), 10, 0.5, scratch, found);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(index->entries()[index->names()[found[0].name].entry].reference, "EU.1");
}

TEST(ScreeningIndex, FindsCandidatesThroughTypoAndSplitKeys) {
  auto normalizer = NameNormalizer::create().value();
  auto index = ScreeningIndex::build(sample_entries(), normalizer);
  CandidateScratch scratch;
  std::vector<Candidate> out;
  auto names_of = [&](const std::string& q) {
    index->candidates(normalizer.normalize(q), 10, 0.2, scratch, out);
    std::vector<std::string> refs;
    for (const auto& c : out)
      refs.push_back(index->entries()[index->names()[c.name].entry].reference);
    return refs;
  };
  EXPECT_EQ(names_of("Bagdhadi")[0], "QDi.299");  // transposition
  EXPECT_EQ(names_of("Tarik Azeez")[0], "IQi.025");
  EXPECT_EQ(names_of("AlFurqan")[0], "777");  // joined tokens
  EXPECT_TRUE(names_of("Zzyzx Qwerty").empty());
}

}  // namespace
}  // namespace nexus::screening
