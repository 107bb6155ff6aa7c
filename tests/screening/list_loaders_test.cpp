// List loaders on the real published files in ../shared/data/sanctions, and on
// broken copies of them written to a temp dir.
#include "connectors/lists/detail/csv_reader.hpp"
#include "connectors/lists/detail/list_text.hpp"
#include "connectors/lists/list_file.hpp"
#include "connectors/lists/list_format.hpp"

#include "tests/screening/name_sets.hpp"
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace nexus::lists {
namespace {

using screening::AliasStrength;
using screening::EntryType;
using screening::ListEntry;
using screening::NameKind;
using screening::testing::shared_data;

const ListEntry* find(const LoadedList& l, const std::string& ref) {
  auto it = std::find_if(l.entries.begin(), l.entries.end(),
                         [&](const ListEntry& e) { return e.reference == ref; });
  return it == l.entries.end() ? nullptr : &*it;
}

bool has_name(const ListEntry& e, const std::string& text) {
  return std::any_of(e.names.begin(), e.names.end(), [&](const auto& n) { return n.text == text; });
}

std::string temp_file(const std::string& name, const std::string& content) {
  const auto dir = std::filesystem::temp_directory_path() / "nexus_lists_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

TEST(ListFormat, DetectedFromContent) {
  const std::pair<const char*, ListFormat> cases[] = {
      {"sanctions/un_consolidated_2026-02-27.xml", ListFormat::kUnXml},
      {"sanctions/ofac_sdn_csv_2021-07/sdn.csv", ListFormat::kOfacCsv},
      {"sanctions/ofac_sdn_csv_2021-07/alt.csv", ListFormat::kOfacAltCsv},
      {"sanctions/ofac_sdn_csv_2021-07/add.csv", ListFormat::kOfacAddCsv},
      {"sanctions/ofac_consolidated_2018-04-06.xml", ListFormat::kOfacXml},
      {"sanctions/eu_fsf_excerpt_2026-08-05.xml", ListFormat::kEuFsfXml},
      {"sanctions/uk_sanctions_list_excerpt_2026-08-14.xml", ListFormat::kUkXml},
      {"sanctions/uk_hmt_conlist_2018-04-13.csv", ListFormat::kUkConListCsv},
      {"opensanctions/zala_entities.ftm.json", ListFormat::kFtmJson},
      {"opensanctions/t2_20240527194702_entities.delta.json", ListFormat::kFtmJson},
      {"aml/visionlangai_aml_dataset_5k.csv", ListFormat::kUnknown},
  };
  for (const auto& [file, format] : cases) {
    auto text = read_file(shared_data(file));
    ASSERT_TRUE(text) << file;
    EXPECT_EQ(detect_list_format(std::string_view(text.value()).substr(0, 8192)), format) << file;
  }
}

TEST(UnXmlLoader, LoadsIndividualsEntitiesAliasesAndOriginalScript) {
  auto l = load_list_file(shared_data("sanctions/un_consolidated_2026-02-27.xml"));
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l.value().list, "UN");
  EXPECT_EQ(l.value().version, "2026-02-27");
  const auto& entries = l.value().entries;
  EXPECT_EQ(std::count_if(entries.begin(), entries.end(),
                          [](const auto& e) { return e.type == EntryType::kPerson; }),
            730);
  EXPECT_EQ(std::count_if(entries.begin(), entries.end(),
                          [](const auto& e) { return e.type == EntryType::kEntity; }),
            273);
  const ListEntry* saddam = find(l.value(), "IQi.001");
  ASSERT_NE(saddam, nullptr);
  EXPECT_EQ(saddam->names[0].text, "SADDAM HUSSEIN AL-TIKRITI");
  EXPECT_TRUE(has_name(*saddam, "صدام حسين التكريتي"));
  EXPECT_TRUE(has_name(*saddam, "Abu Ali"));
  const auto abu_ali = std::find_if(saddam->names.begin(), saddam->names.end(),
                                    [](const auto& n) { return n.text == "Abu Ali"; });
  EXPECT_EQ(abu_ali->strength, AliasStrength::kWeak);  // QUALITY Low
  EXPECT_EQ(saddam->dates_of_birth, std::vector<std::string>{"1937-04-28"});
  EXPECT_EQ(saddam->countries, std::vector<std::string>{"IQ"});
  EXPECT_EQ(saddam->programme, "Iraq");
  const auto original = std::count_if(entries.begin(), entries.end(), [](const auto& e) {
    return std::any_of(e.names.begin(), e.names.end(),
                       [](const auto& n) { return n.kind == NameKind::kOriginalScript; });
  });
  EXPECT_GE(original, 330);
}

TEST(UnXmlLoader, TruncatedFileIsRefusedWithFileAndLine) {
  auto text = read_file(shared_data("sanctions/un_consolidated_2026-02-27.xml"));
  ASSERT_TRUE(text);
  const std::string path = temp_file("un_truncated.xml", text.value().substr(0, 50000));
  auto l = load_list_file(path);
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().code, "parse");
  EXPECT_NE(l.error().message.find(path + ":"), std::string::npos) << l.error().message;
  EXPECT_NE(l.error().message.find("XML error"), std::string::npos) << l.error().message;
}

TEST(UnXmlLoader, RecordWithoutReferenceIsRefusedWithLine) {
  const std::string path = temp_file(
      "un_noref.xml",
      "<CONSOLIDATED_LIST dateGenerated=\"2026-01-01\">\n<INDIVIDUALS>\n<INDIVIDUAL>\n"
      "<FIRST_NAME>X</FIRST_NAME>\n</INDIVIDUAL>\n</INDIVIDUALS>\n</CONSOLIDATED_LIST>\n");
  auto l = load_list_file(path);
  ASSERT_FALSE(l);
  EXPECT_NE(l.error().message.find(path + ":3: INDIVIDUAL without REFERENCE_NUMBER"),
            std::string::npos)
      << l.error().message;
}

TEST(OfacCsvLoader, ReadsTheTrioWithAliasesRemarksAndAddresses) {
  auto l = load_list_file(shared_data("sanctions/ofac_sdn_csv_2021-07/sdn.csv"));
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l.value().list, "OFAC-SDN");
  EXPECT_EQ(l.value().entries.size(), 8976u);
  EXPECT_EQ(l.value().files.size(), 4u);  // sdn, comments, alt, add
  const ListEntry* bnc = find(l.value(), "306");
  ASSERT_NE(bnc, nullptr);
  EXPECT_EQ(bnc->names[0].text, "BANCO NACIONAL DE CUBA");
  EXPECT_TRUE(has_name(*bnc, "BNC"));  // from remarks "a.k.a. 'BNC'."
  const ListEntry* aero = find(l.value(), "36");
  ASSERT_NE(aero, nullptr);
  EXPECT_TRUE(has_name(*aero, "AERO-CARIBBEAN"));              // from alt.csv
  EXPECT_EQ(aero->countries, std::vector<std::string>{"CU"});  // from add.csv
  EXPECT_EQ(aero->type, EntryType::kEntity);                   // "-0- " type
  const ListEntry* zawahiri = find(l.value(), "2676");
  ASSERT_NE(zawahiri, nullptr);
  EXPECT_EQ(zawahiri->type, EntryType::kPerson);
  EXPECT_EQ(zawahiri->dates_of_birth[0], "1951-06-19");
  EXPECT_NE(std::find(zawahiri->identifiers.begin(), zawahiri->identifiers.end(), "1084010"),
            zawahiri->identifiers.end());
}

TEST(OfacCsvLoader, SingleSdnFileTakesAliasesFromRemarks) {
  auto l = load_list_file(shared_data("sanctions/ofac_sdn_2024-05-03.csv"));
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l.value().entries.size(), 14965u);
  const ListEntry* bnc = find(l.value(), "306");
  ASSERT_NE(bnc, nullptr);
  EXPECT_TRUE(has_name(*bnc, "BNC"));
}

TEST(OfacCsvLoader, UnterminatedQuoteIsRefusedWithLine) {
  const std::string path = temp_file(
      "sdn.csv",
      "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
      "173,\"ANGLO-CARIBBEAN CO., LTD.,-0- \r\n");
  auto l = load_ofac_csv(path);
  ASSERT_FALSE(l);
  EXPECT_NE(l.error().message.find(":2:"), std::string::npos) << l.error().message;
}

TEST(OfacCsvLoader, NonNumericEntNumIsRefusedWithLine) {
  const std::string path = temp_file(
      "bad_sdn.csv",
      "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
      "abc,\"X\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a");
  auto l = load_ofac_csv(path);
  ASSERT_FALSE(l);
  EXPECT_NE(l.error().message.find(path + ":2: expected an OFAC SDN row"), std::string::npos)
      << l.error().message;
}

TEST(OfacXmlLoader, ReadsStrongAndWeakAkas) {
  auto l = load_list_file(shared_data("sanctions/ofac_consolidated_2018-04-06.xml"));
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l.value().entries.size(), 639u);
  EXPECT_EQ(l.value().version, "2018-04-06");
  const ListEntry* markazi = find(l.value(), "4632");
  ASSERT_NE(markazi, nullptr);
  EXPECT_TRUE(has_name(*markazi, "CENTRAL BANK OF IRAN"));
  EXPECT_EQ(markazi->programme, "IRAN");
  EXPECT_EQ(markazi->countries, std::vector<std::string>{"IR"});
  std::size_t weak = 0;
  for (const auto& e : l.value().entries) {
    for (const auto& n : e.names) weak += n.strength == AliasStrength::kWeak;
  }
  EXPECT_GT(weak, 0u);
}

TEST(EuFsfXmlLoader, ReadsPersonsAndEnterprises) {
  auto l = load_list_file(shared_data("sanctions/eu_fsf_excerpt_2026-08-05.xml"));
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l.value().entries.size(), 4u);
  const ListEntry* saddam = find(l.value(), "EU.27.28");
  ASSERT_NE(saddam, nullptr);
  EXPECT_EQ(saddam->type, EntryType::kPerson);
  EXPECT_EQ(saddam->names[0].text, "Saddam Hussein Al-Tikriti");
  EXPECT_TRUE(has_name(*saddam, "Abou Ali"));
  EXPECT_EQ(saddam->countries[0], "IQ");
  EXPECT_EQ(saddam->dates_of_birth[0], "1937-04-28");
  EXPECT_EQ(saddam->programme, "IRQ");
}

TEST(UkXmlLoader, ReadsDesignationsWithPlaceholdersAndNonLatinNames) {
  auto l = load_list_file(shared_data("sanctions/uk_sanctions_list_excerpt_2026-08-14.xml"));
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l.value().entries.size(), 4u);
  const ListEntry* afg = find(l.value(), "AFG0011");
  ASSERT_NE(afg, nullptr);
  EXPECT_EQ(afg->names[0].text, "ABDUL LATIF MANSUR");
  EXPECT_TRUE(has_name(*afg, "عبد اللطيف منصور"));
  EXPECT_EQ(afg->dates_of_birth, (std::vector<std::string>{"1968", "1967-11-12"}));
  EXPECT_NE(std::find(afg->identifiers.begin(), afg->identifiers.end(), "D0009720"),
            afg->identifiers.end());
  const ListEntry* aqd = find(l.value(), "AQD0128");
  ASSERT_NE(aqd, nullptr);
  EXPECT_EQ(aqd->names[0].kind, NameKind::kPrimary);  // "Primary name", lower-case n
  const ListEntry* ship = find(l.value(), "DPR0075");
  ASSERT_NE(ship, nullptr);
  EXPECT_EQ(ship->type, EntryType::kVessel);
}

TEST(UkConListCsvLoader, DecodesWindows1252AndGroupsRows) {
  auto l = load_list_file(shared_data("sanctions/uk_hmt_conlist_2018-04-13.csv"));
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l.value().version, "2018-04-13");
  const ListEntry* e = find(l.value(), "13349");
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(has_name(*e, "Sheikh Farooq AL-QAHTANI"));
  EXPECT_EQ(e->dates_of_birth[0], "1980");
  EXPECT_NE(std::find(e->countries.begin(), e->countries.end(), "QA"), e->countries.end());
  for (const auto& entry : l.value().entries) {
    for (const auto& n : entry.names) ASSERT_TRUE(detail::is_valid_utf8(n.text)) << n.text;
  }
  EXPECT_GT(l.value().entries.size(), 2000u);
}

TEST(FtmJsonLoader, ReadsTargetsAndAppliesDeltas) {
  auto l = load_list_file(shared_data("opensanctions/zala_entities.ftm.json"));
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l.value().entries.size(),
            14u);  // targets: Person 6, Company 8 (links, addresses skipped)
  const bool cyrillic =
      std::any_of(l.value().entries.begin(), l.value().entries.end(),
                  [](const auto& e) { return has_name(e, "Мария Александровна Осетрова"); });
  EXPECT_TRUE(cyrillic);
  auto d = load_list_file(shared_data("opensanctions/t2_20240527194702_entities.delta.json"));
  ASSERT_TRUE(d) << d.error().message;
  const ListEntry* aqi = find(d.value(), "NK-2T3S8Hu29ktYnKSTgQp2wL");
  ASSERT_NE(aqi, nullptr);
  EXPECT_TRUE(has_name(*aqi, "al-Qaida in Iraq"));
}

TEST(FtmJsonLoader, BadLineIsRefusedWithLine) {
  const std::string path = temp_file(
      "bad.ftm.json",
      "{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"A B\"]}}\n{\"id\": oops\n");
  auto l = load_list_file(path);
  ASSERT_FALSE(l);
  EXPECT_NE(l.error().message.find(path + ":2: not a JSON object"), std::string::npos)
      << l.error().message;
}

TEST(ListText, DatesAndEncodings) {
  EXPECT_EQ(detail::iso_date_from_dmy("12/11/1967"), "1967-11-12");
  EXPECT_EQ(detail::iso_date_from_dmy("dd/mm/1968"), "1968");
  EXPECT_EQ(detail::iso_date_from_dmy("00/00/1980"), "1980");
  EXPECT_EQ(detail::iso_date_from_ofac("10 Dec 1948"), "1948-12-10");
  EXPECT_EQ(detail::iso_date_from_ofac("circa 1950"), "1950");
  EXPECT_EQ(detail::iso_date_from_ofac("1948 to 1950"), "1948");
  EXPECT_EQ(detail::windows1252_to_utf8("\x91"
                                        "a\x92 \xe9"),
            "\u2018a\u2019 \u00e9");
  EXPECT_EQ(detail::clean_field("-0- "), "");
}

TEST(UnknownFile, IsRefusedNamingTheFile) {
  const std::string path = temp_file("random.txt", "hello world\n");
  auto l = load_list_file(path);
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().code, "format");
  EXPECT_NE(l.error().message.find(path), std::string::npos);
  EXPECT_FALSE(load_list_file("/nonexistent/x.xml"));
}

}  // namespace
}  // namespace nexus::lists
