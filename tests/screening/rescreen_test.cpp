// Re-screening: the engine's index of the parties it has seen (PartyIndex), and the parties
// screened again when a list changes: an added entry that matches a party seen before
// raises one SANCTIONS-RETRO-HIT citing its payments in the look-back, a second run raises
// nothing new, a changed entry the party already matched is not news, a removed entry is
// reported with the parties that had a retro-hit on it, and the alerts are the same bytes
// on every run.
#include "connectors/lists/rescreen.hpp"

#include "connectors/lists/list_file.hpp"
#include "connectors/lists/list_store.hpp"
#include "engine/memory_state_store.hpp"
#include "engine/party_index.hpp"

#include "tests/screening/list_fixtures.hpp"
#include "tests/screening/name_sets.hpp"
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <random>

namespace nexus::lists {
namespace {

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kT0 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

nexus::v1::Party party(const std::string& account, const std::string& name,
                       const std::string& dob = "") {
  nexus::v1::Party p;
  p.set_account(account);
  p.set_name(name);
  p.set_type(nexus::v1::PARTY_TYPE_PERSON);
  p.set_date_of_birth(dob);
  return p;
}

using testing::list_of;
using testing::person;

TEST(PartyIndex, KeepsFirstAndLastSeenTheNewestPaymentsAndEarlierNamesAndReadsThemBack) {
  engine::MemoryStateStore store;
  engine::PartyIndexConfig config;
  config.max_recent = 3;
  config.max_cached = 0;  // every clean record leaves memory after a checkpoint
  {
    engine::PartyIndex index(store, config);
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(index.observe(party("ACC-1", i < 2 ? "Jon Smith" : "John Smith"), "originator",
                                "t" + std::to_string(i), kT0 + i * kDay, 100.0 + i, "ACC-2"));
    }
    // A redelivered payment changes nothing; one without a name is not kept.
    ASSERT_TRUE(index.observe(party("ACC-1", "John Smith"), "originator", "t4", kT0 + 4 * kDay,
                              104.0, "ACC-2"));
    ASSERT_TRUE(index.observe(party("ACC-3", ""), "beneficiary", "t9", kT0, 1.0, "ACC-1"));
    engine::StateBatch batch;
    index.collect_dirty(&batch);
    ASSERT_EQ(batch.ops.size(), 1u);
    ASSERT_TRUE(store.write(batch));
    index.evict();
    EXPECT_EQ(index.cached(), 0u);
    // Read back from the store on the next payment, a late one.
    ASSERT_TRUE(index.observe(party("ACC-1", "John Smith"), "beneficiary", "t-late",
                              kT0 + 3 * kDay + 1, 7.0, "ACC-9"));
    EXPECT_EQ(index.misses(), 1u);
    engine::StateBatch again;
    index.collect_dirty(&again);
    ASSERT_TRUE(store.write(again));
  }
  auto stored = store.get(engine::PartyIndex::key("ACC-1"));
  ASSERT_TRUE(stored && stored.value());
  auto record = engine::PartyIndex::decode("p/ACC-1", *stored.value());
  ASSERT_TRUE(record) << record.error().message;
  EXPECT_EQ(record.value().party().name(), "John Smith");
  ASSERT_EQ(record.value().other_names_size(), 1);
  EXPECT_EQ(record.value().other_names(0), "Jon Smith");
  EXPECT_EQ(record.value().first_seen_ms(), kT0);
  EXPECT_EQ(record.value().last_seen_ms(), kT0 + 4 * kDay);
  EXPECT_EQ(record.value().transactions(), 6u);
  // The three newest by event time, oldest first: the late one took its place.
  ASSERT_EQ(record.value().recent_size(), 3);
  EXPECT_EQ(record.value().recent(0).id(), "t3");
  EXPECT_EQ(record.value().recent(1).id(), "t-late");
  EXPECT_EQ(record.value().recent(1).role(), "beneficiary");
  EXPECT_EQ(record.value().recent(2).id(), "t4");
  EXPECT_FALSE(store.get(engine::PartyIndex::key("ACC-3")).value());
}

TEST(PartyIndex, ACorruptRecordIsRefusedWithItsKeyNeverReset) {
  engine::MemoryStateStore store;
  engine::StateBatch batch;
  batch.put(engine::PartyIndex::key("ACC-1"), "\xff\xff garbage");
  ASSERT_TRUE(store.write(batch));
  engine::PartyIndex index(store);
  auto observed = index.observe(party("ACC-1", "John Smith"), "originator", "t1", kT0, 1, "B");
  ASSERT_FALSE(observed);
  EXPECT_EQ(observed.error().code, "state_corrupt");
  EXPECT_NE(observed.error().message.find("p/ACC-1"), std::string::npos);
}

class RescreenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("nexus_rescreen_test_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::shared_ptr<const ListsSnapshot> import(std::vector<screening::ListEntry> entries,
                                              const std::string& published) {
    ListStore lists(dir_.string());
    EXPECT_TRUE(lists.import(list_of("UN", published, std::move(entries))));
    auto snapshot = load_lists_snapshot(dir_.string());
    EXPECT_TRUE(snapshot) << snapshot.error().message;
    return snapshot.value();
  }

  // The parties seen: Moussa (paid twice, once 400 days ago), Karim, and a bystander.
  void see_parties(engine::StateStore& store) {
    engine::PartyIndex index(store);
    const auto moussa = party("ACC-M", "Moussa Adamou Gueskerou", "1981-03-14");
    ASSERT_TRUE(index.observe(moussa, "beneficiary", "m-old", kT0 - 400 * kDay, 50, "ACC-X"));
    ASSERT_TRUE(index.observe(moussa, "beneficiary", "m-1", kT0 - 30 * kDay, 900, "ACC-X"));
    ASSERT_TRUE(index.observe(moussa, "originator", "m-2", kT0 - 2 * kDay, 1200, "ACC-Y"));
    ASSERT_TRUE(index.observe(party("ACC-K", "Karim Oumarou Tessaoua", "1970-01-01"), "originator",
                              "k-1", kT0 - 10 * kDay, 10, "ACC-X"));
    ASSERT_TRUE(index.observe(party("ACC-Z", "Maria Gonzalez Ortega", "1990-07-07"), "originator",
                              "z-1", kT0 - kDay, 10, "ACC-X"));
    engine::StateBatch batch;
    index.collect_dirty(&batch);
    ASSERT_TRUE(store.write(batch));
  }

  // UN v1 lists Karim; v2 adds Moussa.
  std::pair<std::shared_ptr<const ListsSnapshot>, std::shared_ptr<const ListsSnapshot>>
  designate_moussa() {
    const auto karim = person("UN", "QDi.1", "Karim Oumarou Tessaoua", "1970-01-01");
    const auto moussa = person("UN", "QDi.3", "Moussa Adamou Gueskerou", "1981-03-14");
    auto before = import({karim}, "2026-01-01");
    return {before, import({karim, moussa}, "2026-01-02")};
  }

  std::filesystem::path dir_;
};

TEST_F(RescreenTest, ANewDesignationOfAPartySeenBeforeRaisesOneRetroHitCitingItsPayments) {
  const auto [before, after] = designate_moussa();
  engine::MemoryStateStore store;
  see_parties(store);

  const ListDelta delta = list_delta(*before, *after);
  ASSERT_EQ(delta.entries.size(), 1u);
  EXPECT_EQ(delta.entries[0].first.second, "QDi.3");
  auto report = rescreen(store, before, after, delta, kT0);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report.value().parties, 3u);
  ASSERT_EQ(report.value().alerts.size(), 1u);
  const auto& alert = report.value().alerts[0];
  EXPECT_EQ(alert.rule_id(), kRetroHitRule);
  EXPECT_EQ(alert.id(), retro_hit_id("UN", "QDi.3", "ACC-M"));
  EXPECT_EQ(alert.subject(), "ACC-M");
  // The payments within the 365-day look-back, newest first; the 400-day-old one is not.
  ASSERT_EQ(alert.transaction_ids_size(), 2);
  EXPECT_EQ(alert.transaction_ids(0), "m-2");
  EXPECT_EQ(alert.transaction_ids(1), "m-1");
  EXPECT_EQ(alert.event_time().seconds() * 1000, kT0 - 2 * kDay);
  ASSERT_EQ(alert.sanctions_hits_size(), 1);
  EXPECT_EQ(alert.sanctions_hits(0).reference(), "QDi.3");
  EXPECT_EQ(alert.sanctions_hits(0).list_version(), 2u);
  EXPECT_EQ(alert.sanctions_hits(0).list_source_version(), "2026-01-02");
  EXPECT_EQ(alert.sanctions_hits(0).party_role(), "beneficiary,originator");
  ASSERT_EQ(alert.evidence_size(), 3);
  EXPECT_EQ(alert.evidence(1).observed(), "QDi.3 added");
  EXPECT_EQ(alert.evidence(2).observed(), "2");
  EXPECT_TRUE(alert.evidence(2).truncated() == false);
  EXPECT_NE(alert.evidence(2).detail().find("USD 2100.00"), std::string::npos);
  // Karim matched before the change and is not news; the bystander matches nothing.
  EXPECT_EQ(report.value().hits, 1u);

  // Marked: a second run over the same change raises nothing new.
  ASSERT_TRUE(store.write(report.value().marks));
  auto second = rescreen(store, before, after, delta, kT0);
  ASSERT_TRUE(second);
  EXPECT_TRUE(second.value().alerts.empty());
  EXPECT_EQ(second.value().already_raised, 1u);
}

TEST_F(RescreenTest, TheSameStateAndChangeGiveTheSameAlertBytes) {
  const auto [before, after] = designate_moussa();
  std::string first, second;
  for (std::string* out : {&first, &second}) {
    engine::MemoryStateStore store;
    see_parties(store);
    auto report = rescreen(store, before, after, list_delta(*before, *after), kT0);
    ASSERT_TRUE(report);
    ASSERT_FALSE(report.value().alerts.empty());
    for (const auto& alert : report.value().alerts) *out += alert.SerializeAsString();
  }
  EXPECT_EQ(first, second);
}

TEST_F(RescreenTest, AChangedEntryAlreadyMatchedIsNotNewsButANewAliasIs) {
  auto karim = person("UN", "QDi.1", "Karim Oumarou Tessaoua", "1970-01-01");
  const auto before = import({karim}, "2026-01-01");
  // v2: Karim's entry gains Moussa's name as an alias.
  karim.names.push_back({"Moussa Adamou Gueskerou", screening::NameKind::kAlias});
  karim.dates_of_birth.push_back("1981-03-14");
  const auto after = import({karim}, "2026-01-02");
  engine::MemoryStateStore store;
  see_parties(store);
  const ListDelta delta = list_delta(*before, *after);
  ASSERT_EQ(delta.entries.size(), 1u);
  EXPECT_EQ(delta.entries[0].second.rfind("changed", 0), 0u);
  auto report = rescreen(store, before, after, delta, kT0);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report.value().known_before, 1u);  // Karim
  ASSERT_EQ(report.value().alerts.size(), 1u);
  EXPECT_EQ(report.value().alerts[0].subject(), "ACC-M");
  EXPECT_EQ(report.value().alerts[0].sanctions_hits(0).reference(), "QDi.1");
}

TEST_F(RescreenTest, ADelistingIsReportedWithThePartiesThatHadARetroHitOnIt) {
  const auto karim = person("UN", "QDi.1", "Karim Oumarou Tessaoua", "1970-01-01");
  const auto moussa = person("UN", "QDi.3", "Moussa Adamou Gueskerou", "1981-03-14");
  const auto v1 = import({karim}, "2026-01-01");
  const auto v2 = import({karim, moussa}, "2026-01-02");
  const auto v3 = import({karim}, "2026-01-03");
  engine::MemoryStateStore store;
  see_parties(store);
  auto raised = rescreen(store, v1, v2, list_delta(*v1, *v2), kT0);
  ASSERT_TRUE(raised);
  ASSERT_TRUE(store.write(raised.value().marks));
  const ListDelta delta = list_delta(*v2, *v3);
  EXPECT_TRUE(delta.entries.empty());
  auto report = rescreen(store, v2, v3, delta, kT0);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report.value().alerts.empty());
  ASSERT_EQ(report.value().delistings.size(), 1u);
  EXPECT_EQ(report.value().delistings[0].reference, "QDi.3");
  EXPECT_EQ(report.value().delistings[0].name, "Moussa Adamou Gueskerou");
  EXPECT_EQ(report.value().delistings[0].version, 3u);
  EXPECT_EQ(report.value().delistings[0].accounts, std::vector<std::string>{"ACC-M"});
}

TEST_F(RescreenTest, APartyWithNoPaymentInTheLookBackIsCountedNotAlerted) {
  const auto [before, after] = designate_moussa();
  engine::MemoryStateStore store;
  see_parties(store);
  RescreenConfig config;
  config.lookback_ms = kDay;  // Moussa's newest payment is two days old
  auto report = rescreen(store, before, after, list_delta(*before, *after), kT0, config);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report.value().alerts.empty());
  EXPECT_EQ(report.value().outside_lookback, 1u);
}

TEST_F(RescreenTest, TheVersionsScreenedWithAreRecordedAndReadBack) {
  const auto after =
      import({person("UN", "QDi.1", "Karim Oumarou Tessaoua", "1970-01-01")}, "2026-01-01");
  engine::MemoryStateStore store;
  auto none = screened_versions(store);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none.value().empty());
  engine::StateBatch batch;
  record_screened(*after, {{"OFAC-SDN", 4}}, &batch);
  ASSERT_TRUE(store.write(batch));
  auto recorded = screened_versions(store);
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded.value(), (std::map<std::string, uint32_t>{{"UN", 1}}));
  // The versions load as a snapshot again (what an engine screened with before).
  auto again = load_lists_snapshot(dir_.string(), recorded.value());
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again.value()->versions(), "UN=1");
  auto empty = load_lists_snapshot(dir_.string(), {});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty.value()->lists.empty());
}

// The prefilter (the changed entries indexed apart) must never drop a hit: on the real UN
// list's change from 2020-11-30 to 2026-02-27 (219 entries added or changed), parties named
// as those entries (exactly, one letter dropped, the words reversed), beside 2,000 people
// on no list, raise the same alerts with the prefilter as without it.
TEST_F(RescreenTest, ThePrefilterLosesNoHitOnTheRealUnListsChange) {
  auto old_un = load_list_file(screening::testing::shared_data("sanctions/un_consolidated.xml"));
  auto new_un =
      load_list_file(screening::testing::shared_data("sanctions/un_consolidated_2026-02-27.xml"));
  ASSERT_TRUE(old_un && new_un);
  ListStore lists(dir_.string());
  ASSERT_TRUE(lists.import(old_un.value()));
  auto before = load_lists_snapshot(dir_.string());
  ASSERT_TRUE(lists.import(new_un.value()));
  auto after = load_lists_snapshot(dir_.string());
  ASSERT_TRUE(before && after);
  const ListDelta delta = list_delta(*before.value(), *after.value());
  ASSERT_GT(delta.entries.size(), 200u);

  engine::MemoryStateStore store;
  engine::PartyIndex index(store);
  int account = 0;
  auto see = [&](const std::string& name, const std::string& dob, nexus::v1::PartyType type) {
    nexus::v1::Party p = party("ACC-" + std::to_string(account++), name, dob);
    p.set_type(type);
    ASSERT_TRUE(
        index.observe(p, "beneficiary", "t" + std::to_string(account), kT0 - kDay, 10, "ACC-X"));
  };
  std::size_t planted = 0;
  for (const auto& [entry, what] : delta.entries) {
    for (const auto& listed : after.value()->index->entries()) {
      if (listed.list != entry.first || listed.reference != entry.second) continue;
      const std::string name = listed.names.front().text;
      const std::string dob = listed.dates_of_birth.empty() ? "" : listed.dates_of_birth.front();
      const auto type = listed.type == screening::EntryType::kPerson
                            ? nexus::v1::PARTY_TYPE_PERSON
                            : nexus::v1::PARTY_TYPE_ORGANIZATION;
      see(name, dob, type);
      // One ASCII letter dropped past the middle (never half of a UTF-8 sequence).
      std::size_t cut = name.size() / 2;
      while (cut < name.size() && !std::isalpha(static_cast<unsigned char>(name[cut]))) ++cut;
      if (cut < name.size()) see(name.substr(0, cut) + name.substr(cut + 1), dob, type);
      const auto space = name.find(' ');
      if (space != std::string::npos) {
        see(name.substr(space + 1) + " " + name.substr(0, space), dob, type);
      }
      planted += 3;
    }
  }
  for (const char* file :
       {"names/yente_negatives_global_1k.csv", "names/yente_negatives_us_1k.csv"}) {
    for (const auto& row : screening::testing::read_csv(screening::testing::shared_data(file))) {
      if (row.size() > 5) see(row[0], row[5], nexus::v1::PARTY_TYPE_PERSON);
    }
  }
  engine::StateBatch batch;
  index.collect_dirty(&batch);
  ASSERT_TRUE(store.write(batch));

  RescreenConfig exact;
  exact.prefilter_min_score = 0;
  auto without = rescreen(store, before.value(), after.value(), delta, kT0, exact);
  auto with = rescreen(store, before.value(), after.value(), delta, kT0);
  ASSERT_TRUE(without) << without.error().message;
  ASSERT_TRUE(with) << with.error().message;
  std::vector<std::string> ids_without, ids_with;
  for (const auto& alert : without.value().alerts) ids_without.push_back(alert.id());
  for (const auto& alert : with.value().alerts) ids_with.push_back(alert.id());
  std::printf(
      "prefilter: %zu parties, %zu planted; %zu alerts without it, %zu with it; %zu "
      "names passed it\n",
      without.value().parties, planted, ids_without.size(), ids_with.size(), with.value().sieved);
  // At least one variant per added entry alerts, on average (the rest are common names the
  // stream's corroboration rule holds back, or changed entries they matched before too).
  std::size_t added = 0;
  for (const auto& [entry, what] : delta.entries) added += what == "added";
  EXPECT_GE(ids_without.size(), added);
  EXPECT_EQ(ids_with, ids_without);
  EXPECT_LT(with.value().sieved, with.value().names / 2);
}

}  // namespace
}  // namespace nexus::lists
