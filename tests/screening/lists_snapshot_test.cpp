// ListsSnapshot and SnapshotScreener: every list's current snapshot read with its version,
// hits stamped with the version that matched, a newer snapshot adopted between two calls,
// diffs by reference and content, and a damaged or cut-short snapshot refused at its line.
#include "connectors/lists/lists_snapshot.hpp"

#include "connectors/lists/list_store.hpp"
#include "connectors/lists/snapshot_screener.hpp"

#include "tests/screening/list_fixtures.hpp"
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace nexus::lists {
namespace {

class ListsSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("nexus_snapshot_test_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string data() const { return dir_.string(); }
  std::filesystem::path dir_;
};

using testing::list_of;
using testing::person;

nexus::v1::Party party(const std::string& name, const std::string& dob) {
  nexus::v1::Party p;
  p.set_name(name);
  p.set_date_of_birth(dob);
  p.set_type(nexus::v1::PARTY_TYPE_PERSON);
  return p;
}

TEST_F(ListsSnapshotTest, HitsCarryTheVersionOfTheListThatMatchedAndAnAdoptedSnapshotScreensNext) {
  ListStore store(data());
  const auto a = person("UN", "QDi.1", "Karim Oumarou Tessaoua", "1970-01-01");
  const auto b = person("UN", "QDi.2", "Ibrahim Malam Dandaoua", "1975-05-05");
  const auto x = person("UN", "QDi.3", "Moussa Adamou Gueskerou", "1981-03-14");
  ASSERT_TRUE(store.import(list_of("UN", "2026-03-01", {a, b})));
  ASSERT_TRUE(store.import(
      list_of("OFAC-SDN", "2026-02-20",
              {person("OFAC-SDN", "OFAC-9", "Viktor Petrovich Zayats", "1960-06-06")})));
  auto first = load_lists_snapshot(data());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first.value()->versions(), "OFAC-SDN=1,UN=1");
  ASSERT_NE(first.value()->find("UN"), nullptr);
  EXPECT_EQ(first.value()->find("UN")->entries, 2u);
  EXPECT_EQ(first.value()->find("UN")->source_version, "2026-03-01");

  auto screener = SnapshotScreener::create(first.value());
  ASSERT_TRUE(screener) << screener.error().message;
  const auto known = screener.value()->screen(party("Karim Oumarou Tessaoua", "1970-01-01"));
  ASSERT_EQ(known.size(), 1u);
  EXPECT_EQ(known[0].reference, "QDi.1");
  EXPECT_EQ(known[0].list_version, 1u);
  EXPECT_EQ(known[0].list_source_version, "2026-03-01");
  const auto sdn = screener.value()->screen(party("Viktor Petrovich Zayats", "1960-06-06"));
  ASSERT_EQ(sdn.size(), 1u);
  EXPECT_EQ(sdn[0].list, "OFAC-SDN");
  EXPECT_EQ(sdn[0].list_source_version, "2026-02-20");
  const nexus::v1::Party designated = party("Moussa Adamou Gueskerou", "1981-03-14");
  EXPECT_TRUE(screener.value()->screen(designated).empty()) << "not listed yet";

  // A new UN snapshot designates X; the live screener knows nothing of it until it adopts it.
  ASSERT_TRUE(store.import(list_of("UN", "2026-03-02", {a, b, x})));
  auto second = load_lists_snapshot(data());
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second.value()->versions(), "OFAC-SDN=1,UN=2");
  EXPECT_TRUE(screener.value()->screen(designated).empty()) << "cached or not, the old lists";
  screener.value()->adopt(second.value());
  const auto now = screener.value()->screen(designated);
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0].reference, "QDi.3");
  EXPECT_EQ(now[0].list_version, 2u);
  EXPECT_EQ(now[0].list_source_version, "2026-03-02");
  EXPECT_EQ(screener.value()->screen(party("Karim Oumarou Tessaoua", "1970-01-01"))[0].list_version,
            2u);
  EXPECT_EQ(screener.value()->snapshot(), second.value());
}

TEST_F(ListsSnapshotTest, DiffCountsAddedChangedRemovedEntriesPerListByReferenceAndContent) {
  ListStore store(data());
  auto a = person("UN", "QDi.1", "Karim Oumarou Tessaoua", "1970-01-01");
  const auto b = person("UN", "QDi.2", "Ibrahim Malam Dandaoua", "1975-05-05");
  const auto c = person("UN", "QDi.3", "Moussa Adamou Gueskerou", "1981-03-14");
  const auto sdn = person("OFAC-SDN", "OFAC-9", "Viktor Petrovich Zayats", "1960-06-06");
  ASSERT_TRUE(store.import(list_of("UN", "2026-03-01", {a, b})));
  ASSERT_TRUE(store.import(list_of("OFAC-SDN", "2026-02-20", {sdn})));
  auto before = load_lists_snapshot(data());
  ASSERT_TRUE(before);
  a.dates_of_birth = {"1970-01-02"};  // same reference, other content: changed
  ASSERT_TRUE(store.import(list_of("UN", "2026-03-02", {a, c})));  // b removed, c added
  std::filesystem::remove_all(dir_ / "lists" / "OFAC-SDN");        // a list withdrawn
  ASSERT_TRUE(store.import(list_of("EU", "2026-03-02", {person("EU", "EU.1", "Name", "1990")})));
  auto after = load_lists_snapshot(data());
  ASSERT_TRUE(after);
  const auto changes = diff_snapshots(*before.value(), *after.value());
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].list, "EU");
  EXPECT_EQ(changes[0].previous_version, 0u);
  EXPECT_EQ(changes[0].version, 1u);
  EXPECT_EQ(changes[0].added, 1u);
  EXPECT_EQ(changes[1].list, "OFAC-SDN");
  EXPECT_EQ(changes[1].previous_version, 1u);
  EXPECT_EQ(changes[1].version, 0u);
  EXPECT_EQ(changes[1].removed, 1u);
  EXPECT_EQ(changes[1].added, 0u);
  EXPECT_EQ(changes[2].list, "UN");
  EXPECT_EQ(changes[2].previous_version, 1u);
  EXPECT_EQ(changes[2].version, 2u);
  EXPECT_EQ(changes[2].previous_source_version, "2026-03-01");
  EXPECT_EQ(changes[2].source_version, "2026-03-02");
  EXPECT_EQ(changes[2].entries, 2u);
  EXPECT_EQ(changes[2].added, 1u);
  EXPECT_EQ(changes[2].changed, 1u);
  EXPECT_EQ(changes[2].removed, 1u);
  // Against itself nothing changed.
  for (const auto& change : diff_snapshots(*after.value(), *after.value())) {
    EXPECT_EQ(change.version, change.previous_version);
    EXPECT_EQ(change.added + change.changed + change.removed, 0u) << change.list;
  }
}

TEST_F(ListsSnapshotTest, ADamagedOrCutShortSnapshotIsRefusedAtItsLine) {
  ListStore store(data());
  ASSERT_TRUE(
      store.import(list_of("UN", "2026-03-01",
                           {person("UN", "QDi.1", "Karim Oumarou Tessaoua", "1970-01-01"),
                            person("UN", "QDi.2", "Ibrahim Malam Dandaoua", "1975-05-05"),
                            person("UN", "QDi.3", "Moussa Adamou Gueskerou", "1981-03-14")})));
  const std::string file = store.snapshot_path("UN", 1);
  std::stringstream whole;
  whole << std::ifstream(file).rdbuf();
  const std::string text = whole.str();
  // Cut after the second entry (header + 2 lines): every line parses, one entry is missing.
  size_t cut = 0;
  for (int line = 0; line < 3; ++line) cut = text.find('\n', cut) + 1;
  std::ofstream(file, std::ios::trunc) << text.substr(0, cut);
  auto cut_short = load_lists_snapshot(data());
  ASSERT_FALSE(cut_short);
  EXPECT_EQ(cut_short.error().code, "parse");
  EXPECT_NE(cut_short.error().message.find(file + ":3: the header declares 3 entries but the "
                                                  "file holds 2"),
            std::string::npos)
      << cut_short.error().message;
  // Cut inside a line: bad JSON at that line.
  std::ofstream(file, std::ios::trunc) << text.substr(0, cut + 20);
  auto broken = load_lists_snapshot(data());
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find(file + ":4: bad JSON"), std::string::npos)
      << broken.error().message;
  std::ofstream(file, std::ios::trunc) << "";
  auto empty = load_lists_snapshot(data());
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find(file + ":1:"), std::string::npos) << empty.error().message;
}

TEST_F(ListsSnapshotTest, ADirectoryWithoutListsSaysHowToImport) {
  auto none = load_lists_snapshot(data());
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, "empty");
  EXPECT_NE(none.error().message.find("nexus lists import"), std::string::npos);
}

}  // namespace
}  // namespace nexus::lists
