// ListStore: versioned snapshots in a temp data dir, diffs between the two real
// UN list versions, and a refused import leaving the previous version live.
#include "connectors/lists/list_store.hpp"

#include "tests/screening/name_sets.hpp"
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

namespace nexus::lists {
namespace {

using screening::testing::shared_data;

class ListStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("nexus_store_test_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(ListStoreTest, ReimportingTheNewerUnListReportsAddedRemovedChanged) {
  ListStore store(dir_.string());
  auto old_list = load_list_file(shared_data("sanctions/un_consolidated.xml"));
  auto new_list = load_list_file(shared_data("sanctions/un_consolidated_2026-02-27.xml"));
  ASSERT_TRUE(old_list && new_list);

  auto first = store.import(old_list.value());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first.value().version, 1);
  EXPECT_EQ(first.value().diff.added.size(), old_list.value().entries.size());

  auto second = store.import(new_list.value());
  ASSERT_TRUE(second) << second.error().message;
  const ImportDiff& d = second.value().diff;
  EXPECT_EQ(second.value().version, 2);
  EXPECT_EQ(second.value().previous_version, 1);
  EXPECT_FALSE(d.added.empty());
  EXPECT_FALSE(d.removed.empty());
  EXPECT_FALSE(d.changed.empty());
  // Counts reconcile: new = old - removed + added.
  EXPECT_EQ(new_list.value().entries.size(),
            old_list.value().entries.size() - d.removed.size() + d.added.size());
  EXPECT_EQ(d.added.size() + d.changed.size() + d.unchanged, new_list.value().entries.size());
  // HTi.009 (KEMPES SANON) was listed in 2025: added.
  EXPECT_NE(std::find(d.added.begin(), d.added.end(), "HTi.009"), d.added.end());

  auto stored = store.load_current();
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(stored.value(), new_list.value().entries);  // round trip is lossless

  auto again = store.import(new_list.value());
  ASSERT_TRUE(again);
  EXPECT_TRUE(again.value().diff.empty());
  EXPECT_EQ(again.value().version, 2);  // nothing changed: no new snapshot
}

TEST_F(ListStoreTest, ListsAreStoredSideBySide) {
  ListStore store(dir_.string());
  auto un = load_list_file(shared_data("sanctions/un_consolidated_2026-02-27.xml"));
  auto eu = load_list_file(shared_data("sanctions/eu_fsf_excerpt_2026-08-05.xml"));
  ASSERT_TRUE(un && eu);
  ASSERT_TRUE(store.import(un.value()));
  ASSERT_TRUE(store.import(eu.value()));
  auto infos = store.stored_lists();
  ASSERT_TRUE(infos);
  ASSERT_EQ(infos.value().size(), 2u);
  EXPECT_EQ(infos.value()[0].list, "EU");
  EXPECT_EQ(infos.value()[1].list, "UN");
  EXPECT_EQ(store.load_current().value().size(), un.value().entries.size() + 4);
}

TEST_F(ListStoreTest, DamagedSnapshotIsReportedWithFileAndLine) {
  ListStore store(dir_.string());
  auto eu = load_list_file(shared_data("sanctions/eu_fsf_excerpt_2026-08-05.xml"));
  ASSERT_TRUE(eu && store.import(eu.value()));
  {
    std::ofstream out(dir_ / "lists" / "EU" / "v000001.jsonl", std::ios::app);
    out << "{not json\n";
  }
  auto loaded = store.load_current();
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("v000001.jsonl:6"), std::string::npos)
      << loaded.error().message;
}

TEST(ImportDiff, NameOrderIsNotAChange) {
  screening::ListEntry a;
  a.reference = "X";
  a.names = {{"A", screening::NameKind::kPrimary, screening::AliasStrength::kStrong},
             {"B", screening::NameKind::kAlias, screening::AliasStrength::kStrong}};
  screening::ListEntry b = a;
  std::swap(b.names[0], b.names[1]);
  EXPECT_TRUE(diff_lists({a}, {b}).empty());
  b.dates_of_birth = {"1970"};
  const auto d = diff_lists({a}, {b});
  ASSERT_EQ(d.changed.size(), 1u);
  EXPECT_EQ(d.changed[0].fields, std::vector<std::string>{"dates_of_birth"});
}

}  // namespace
}  // namespace nexus::lists
