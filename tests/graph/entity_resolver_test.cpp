// EntityResolver: links through normalised identifiers, deterministic cluster ids,
// the common-identifier guard, and restart through a MemoryStateStore.
#include "engine/graph/entity_resolver.hpp"

#include "engine/memory_state_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <set>

namespace nexus::graph {
namespace {

AccountProfile profile(std::string account, std::string name,
                       std::vector<Identifier> identifiers = {}) {
  return AccountProfile{std::move(account), std::move(name), std::move(identifiers)};
}

Identifier phone(std::string value) { return {IdentifierKind::kPhone, std::move(value)}; }
Identifier email(std::string value) { return {IdentifierKind::kEmail, std::move(value)}; }
Identifier address(std::string value) { return {IdentifierKind::kAddress, std::move(value)}; }
Identifier device(std::string value) { return {IdentifierKind::kDevice, std::move(value)}; }

LinkOutcome observe(EntityResolver& resolver, const AccountProfile& p) {
  auto result = resolver.observe(p);
  EXPECT_TRUE(result) << result.error().message;
  return result ? result.value() : LinkOutcome{};
}

ClusterView cluster(EntityResolver& resolver, const std::string& account) {
  auto result = resolver.cluster(account);
  EXPECT_TRUE(result) << result.error().message;
  return result ? result.value() : ClusterView{};
}

TEST(IdentifierTest, SpellingsOfOneIdentifierNormaliseAlike) {
  EXPECT_EQ(normalize_identifier(IdentifierKind::kPhone, "+44 20 7946-0958"),
            normalize_identifier(IdentifierKind::kPhone, "0044 (20) 79460958"));
  EXPECT_EQ(normalize_identifier(IdentifierKind::kPhone, "+44 20 7946-0958"), "phone:442079460958");
  EXPECT_EQ(normalize_identifier(IdentifierKind::kEmail, " Jane.Doe+promo@GMail.com "),
            "email:janedoe@gmail.com");
  EXPECT_EQ(normalize_identifier(IdentifierKind::kEmail, "jane.doe@example.org"),
            "email:jane.doe@example.org");  // dots matter outside gmail
  EXPECT_EQ(normalize_identifier(IdentifierKind::kAddress, "12, Harbour Road,  Apartment 4"),
            normalize_identifier(IdentifierKind::kAddress, "12 HARBOUR RD APT 4"));
  EXPECT_EQ(normalize_identifier(IdentifierKind::kDevice, "AA:BB:CC:DD:EE:FF"),
            "device:aabbccddeeff");
  EXPECT_EQ(normalize_identifier(IdentifierKind::kNationalId, "ab-123 456"),
            "national_id:AB123456");
  EXPECT_EQ(normalize_name("  jane   o'neil "), "JANE O NEIL");
}

TEST(IdentifierTest, UnusableValuesNormaliseToNothing) {
  EXPECT_EQ(normalize_identifier(IdentifierKind::kPhone, "12-34"), "");
  EXPECT_EQ(normalize_identifier(IdentifierKind::kEmail, "not-an-email"), "");
  EXPECT_EQ(normalize_identifier(IdentifierKind::kEmail, "@example.org"), "");
  EXPECT_EQ(normalize_identifier(IdentifierKind::kAddress, "a b"), "");
  EXPECT_EQ(normalize_identifier(IdentifierKind::kDevice, "::"), "");
}

TEST(EntityResolverTest, AccountsSharingAPhoneFormOneClusterNamedBySmallestId) {
  engine::MemoryStateStore store;
  EntityResolver resolver(store, {});
  observe(resolver, profile("ACC-9", "Jane Doe", {phone("+44 20 7946 0958")}));
  const LinkOutcome outcome =
      observe(resolver, profile("ACC-3", "J. Doe", {phone("00442079460958")}));
  EXPECT_EQ(outcome.cluster_id, "ACC-3");
  EXPECT_EQ(outcome.merged, std::vector<std::string>{"ACC-9"});
  const ClusterView view = cluster(resolver, "ACC-9");
  EXPECT_EQ(view.id, "ACC-3");
  EXPECT_EQ(view.size, 2u);
  EXPECT_EQ(view.members, (std::vector<std::string>{"ACC-3", "ACC-9"}));
  EXPECT_EQ(view.names, (std::vector<std::string>{"J DOE", "JANE DOE"}));
  EXPECT_EQ(view.distinct_names(), 2u);
}

TEST(EntityResolverTest, UnrelatedAccountsStayApart) {
  engine::MemoryStateStore store;
  EntityResolver resolver(store, {});
  observe(resolver, profile("A", "Ann", {phone("+1 555 010 0001")}));
  observe(resolver, profile("B", "Bob", {phone("+1 555 010 0002")}));
  EXPECT_EQ(cluster(resolver, "A").size, 1u);
  EXPECT_EQ(cluster(resolver, "B").id, "B");
  EXPECT_EQ(cluster(resolver, "never-seen").id, "never-seen");
  EXPECT_EQ(cluster(resolver, "never-seen").size, 1u);
}

TEST(EntityResolverTest, TransitiveLinksMergeClusters) {
  engine::MemoryStateStore store;
  EntityResolver resolver(store, {});
  observe(resolver, profile("D", "", {phone("+1 555 010 0001")}));
  observe(resolver, profile("C", "", {phone("+1 555 010 0001")}));
  observe(resolver, profile("B", "", {email("ring@example.org")}));
  observe(resolver, profile("A", "", {email("ring@example.org")}));
  EXPECT_EQ(cluster(resolver, "D").id, "C");
  EXPECT_EQ(cluster(resolver, "B").id, "A");
  // A device seen on C and B joins the two clusters.
  observe(resolver, profile("C", "", {device("dev-0001-xyz")}));
  const LinkOutcome outcome = observe(resolver, profile("B", "", {device("DEV:0001:XYZ")}));
  EXPECT_EQ(outcome.cluster_id, "A");
  EXPECT_EQ(outcome.merged, std::vector<std::string>{"C"});
  for (const char* account : {"A", "B", "C", "D"}) {
    EXPECT_EQ(cluster(resolver, account).id, "A") << account;
    EXPECT_EQ(cluster(resolver, account).size, 4u) << account;
  }
}

TEST(EntityResolverTest, ClusterIdsDoNotDependOnArrivalOrder) {
  std::vector<AccountProfile> profiles = {
      profile("K", "k", {phone("+1 555 010 0001")}),
      profile("M", "m", {phone("+1 555 010 0001"), email("x@example.org")}),
      profile("E", "e", {email("x@example.org")}),
      profile("Z", "z", {address("1 Main Street Springfield")}),
      profile("Q", "q", {address("1 MAIN ST, SPRINGFIELD")}),
  };
  std::vector<size_t> order(profiles.size());
  std::iota(order.begin(), order.end(), 0);
  std::map<std::string, ClusterView> first;
  do {
    engine::MemoryStateStore store;
    EntityResolver resolver(store, {});
    for (size_t i : order) observe(resolver, profiles[i]);
    for (const auto& p : profiles) {
      const ClusterView view = cluster(resolver, p.account);
      if (!first.count(p.account)) first[p.account] = view;
      EXPECT_EQ(view, first[p.account]) << p.account;
    }
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(first["M"].id, "E");
  EXPECT_EQ(first["M"].size, 3u);
  EXPECT_EQ(first["Z"].id, "Q");
}

TEST(EntityResolverTest, CommonIdentifierStopsLinkingAtTheLimit) {
  engine::MemoryStateStore store;
  EntityResolverConfig config;
  config.max_accounts_per_identifier = 3;
  EntityResolver resolver(store, config);
  const Identifier office = address("100 Bank Plaza, Suite 1");
  std::vector<LinkOutcome> outcomes;
  for (const char* account : {"A1", "A2", "A3", "A4", "A5"}) {
    outcomes.push_back(observe(resolver, profile(account, account, {office})));
  }
  const std::string key = normalize_identifier(IdentifierKind::kAddress, "100 Bank Plaza, Suite 1");
  EXPECT_TRUE(outcomes[2].new_common.empty());
  EXPECT_EQ(outcomes[3].new_common, std::vector<std::string>{key});
  EXPECT_EQ(outcomes[4].skipped_common, std::vector<std::string>{key});
  EXPECT_EQ(cluster(resolver, "A3").size, 3u);  // the first three stay linked
  EXPECT_EQ(cluster(resolver, "A4").size, 1u);
  EXPECT_EQ(cluster(resolver, "A5").size, 1u);
  auto view = resolver.identifier(IdentifierKind::kAddress, "100 bank plaza suite 1");
  ASSERT_TRUE(view);
  EXPECT_TRUE(view.value().common);
  EXPECT_EQ(view.value().accounts, (std::vector<std::string>{"A1", "A2", "A3"}));
}

TEST(EntityResolverTest, DefaultGuardMarksTheTwentyFirstAccountCommon) {
  engine::MemoryStateStore store;
  EntityResolver resolver(store, {});
  for (int i = 0; i < 25; ++i) {
    const LinkOutcome outcome = observe(
        resolver, profile("ACC-" + std::to_string(100 + i), "", {phone("+1 800 555 0100")}));
    EXPECT_EQ(outcome.new_common.size(), i == 20 ? 1u : 0u) << i;
  }
  EXPECT_EQ(cluster(resolver, "ACC-100").size, 20u);
  EXPECT_EQ(cluster(resolver, "ACC-124").size, 1u);
}

TEST(EntityResolverTest, StopListedIdentifierNeverLinks) {
  engine::MemoryStateStore store;
  EntityResolverConfig config;
  config.stop_identifiers = {normalize_identifier(IdentifierKind::kPhone, "+1 800 555 0199")};
  EntityResolver resolver(store, config);
  observe(resolver, profile("A", "", {phone("+1 800 555 0199")}));
  const LinkOutcome outcome = observe(resolver, profile("B", "", {phone("1-800-555-0199")}));
  EXPECT_EQ(outcome.skipped_common.size(), 1u);
  EXPECT_EQ(cluster(resolver, "B").size, 1u);
}

TEST(EntityResolverTest, DistinctNamesAreCappedAndMarked) {
  engine::MemoryStateStore store;
  EntityResolverConfig config;
  config.max_names_per_cluster = 3;
  config.max_listed_members = 2;
  EntityResolver resolver(store, config);
  for (const char* name : {"Eve", "dan", "Carl", "bob", "Ann", "ann"}) {
    observe(resolver, profile(std::string("P-") + name, name, {phone("+1 555 010 0042")}));
  }
  const ClusterView view = cluster(resolver, "P-Eve");
  EXPECT_EQ(view.size, 6u);
  EXPECT_EQ(view.names, (std::vector<std::string>{"ANN", "BOB", "CARL"}));
  EXPECT_TRUE(view.names_truncated);
  EXPECT_EQ(view.members, (std::vector<std::string>{"P-Ann", "P-Carl"}));
  EXPECT_TRUE(view.members_truncated);
}

/// Random profiles over a small identifier space, so that clusters form and merge.
std::vector<AccountProfile> random_profiles(uint32_t seed, size_t count) {
  std::mt19937 random(seed);
  std::vector<AccountProfile> out;
  for (size_t i = 0; i < count; ++i) {
    AccountProfile p;
    p.account = "ACC-" + std::to_string(random() % 400);
    p.name = "Name " + std::to_string(random() % 50);
    const int identifiers = static_cast<int>(random() % 3);
    for (int k = 0; k < identifiers; ++k) {
      switch (random() % 3) {
        case 0:
          p.identifiers.push_back(phone("+1 555 01" + std::to_string(10000 + random() % 300)));
          break;
        case 1:
          p.identifiers.push_back(email("user" + std::to_string(random() % 300) + "@example.org"));
          break;
        default:
          p.identifiers.push_back(device("device-" + std::to_string(100000 + random() % 300)));
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

TEST(EntityResolverTest, MatchesConnectedComponentsOnRandomProfiles) {
  const uint32_t seed = 20250101;
  SCOPED_TRACE("seed " + std::to_string(seed));
  const auto profiles = random_profiles(seed, 600);
  engine::MemoryStateStore store;
  EntityResolverConfig config;
  config.max_accounts_per_identifier = 1'000;  // no guard here: plain components
  EntityResolver resolver(store, config);
  for (const auto& p : profiles) observe(resolver, p);

  // Reference: connected components by repeated relabelling.
  std::map<std::string, std::string> label;
  std::map<std::string, std::vector<std::string>> by_identifier;
  for (const auto& p : profiles) {
    label[p.account] = p.account;
    for (const auto& id : p.identifiers) {
      by_identifier[normalize_identifier(id.kind, id.value)].push_back(p.account);
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& [key, accounts] : by_identifier) {
      std::string low = label[accounts.front()];
      for (const auto& a : accounts) low = std::min(low, label[a]);
      for (const auto& a : accounts) {
        if (label[a] != low) {
          label[a] = low;
          changed = true;
        }
      }
    }
  }
  std::map<std::string, uint64_t> sizes;
  for (const auto& [account, root] : label) ++sizes[root];
  for (const auto& [account, root] : label) {
    const ClusterView view = cluster(resolver, account);
    ASSERT_EQ(view.id, root) << account;
    ASSERT_EQ(view.size, sizes[root]) << account;
  }
}

/// The whole persisted state, as the store holds it.
std::vector<std::pair<std::string, std::string>> dump(engine::MemoryStateStore& store) {
  auto scanned = store.scan("g/");
  EXPECT_TRUE(scanned);
  return scanned ? scanned.value() : std::vector<std::pair<std::string, std::string>>{};
}

TEST(EntityResolverTest, RestartThroughTheStoreResumesIdenticalClusters) {
  const auto profiles = random_profiles(7, 800);
  EntityResolverConfig config;
  config.max_accounts_per_identifier = 6;  // the guard is part of the state too

  engine::MemoryStateStore straight_store;
  EntityResolver straight(straight_store, config);
  std::vector<LinkOutcome> straight_outcomes;
  for (const auto& p : profiles) straight_outcomes.push_back(observe(straight, p));

  engine::MemoryStateStore store;
  config.max_cached_records = 50;  // force eviction and read-through
  std::vector<LinkOutcome> resumed_outcomes;
  {
    EntityResolver first(store, config);
    for (size_t i = 0; i < 300; ++i) {
      resumed_outcomes.push_back(observe(first, profiles[i]));
      if (i % 97 == 0) {
        engine::StateBatch batch;
        first.collect_dirty(&batch);
        ASSERT_TRUE(store.write(batch));
        first.evict();
      }
    }
    engine::StateBatch batch;
    first.collect_dirty(&batch);
    ASSERT_TRUE(store.write(batch));
  }  // "crash" after the checkpoint: the resolver's memory is gone
  EntityResolver second(store, config);
  for (size_t i = 300; i < profiles.size(); ++i) {
    resumed_outcomes.push_back(observe(second, profiles[i]));
  }
  EXPECT_GT(store.gets(), 0);  // it did read through
  for (size_t i = 0; i < profiles.size(); ++i) {
    EXPECT_EQ(resumed_outcomes[i].cluster_id, straight_outcomes[i].cluster_id) << i;
    EXPECT_EQ(resumed_outcomes[i].merged, straight_outcomes[i].merged) << i;
    EXPECT_EQ(resumed_outcomes[i].new_common, straight_outcomes[i].new_common) << i;
  }
  std::set<std::string> accounts;
  for (const auto& p : profiles) accounts.insert(p.account);
  for (const auto& account : accounts) {
    EXPECT_EQ(cluster(second, account), cluster(straight, account)) << account;
  }
}

TEST(EntityResolverTest, SameInputTwiceGivesIdenticalPersistedState) {
  const auto profiles = random_profiles(11, 500);
  std::vector<std::pair<std::string, std::string>> dumps[2];
  for (auto& out : dumps) {
    engine::MemoryStateStore store;
    EntityResolver resolver(store, {});
    for (const auto& p : profiles) observe(resolver, p);
    engine::StateBatch batch;
    resolver.collect_dirty(&batch);
    ASSERT_TRUE(store.write(batch));
    out = dump(store);
  }
  EXPECT_FALSE(dumps[0].empty());
  EXPECT_EQ(dumps[0], dumps[1]);
}

}  // namespace
}  // namespace nexus::graph
