// ExposureTracker: scores by hops, share and time; paths as evidence; the
// time order of money; the bounds; restart and determinism.
#include "graph_fixture.hpp"

#include <cmath>
#include <random>
#include <set>

namespace nexus::graph {
namespace {

using namespace testing;

std::vector<Exposure> exposures(GraphHarness& harness, const std::string& account, int64_t at) {
  auto result = harness.exposure().exposures(account, at);
  EXPECT_TRUE(result) << result.error().message;
  return result ? result.value() : std::vector<Exposure>{};
}

double score(GraphHarness& harness, const std::string& account, const std::string& category,
             int64_t at) {
  auto result = harness.exposure().score(account, category, at);
  EXPECT_TRUE(result) << result.error().message;
  return result ? result.value() : -1;
}

void flag(GraphHarness& harness, const std::string& account, const std::string& category,
          int64_t at) {
  auto result = harness.exposure().flag(account, category, at, "test listing");
  ASSERT_TRUE(result) << result.error().message;
}

/// Decay over `gap` with the default half-life (30 days).
double decay(int64_t gap) { return std::exp2(-static_cast<double>(gap) / (30.0 * kDay)); }

std::vector<std::string> tx_ids(const std::vector<FlowEdge>& path) {
  std::vector<std::string> out;
  for (const auto& e : path) out.push_back(e.tx_id);
  return out;
}

TEST(ExposureTest, PaymentFromAFlaggedAccountScoresOneHop) {
  GraphHarness harness;
  flag(harness, "F", "sanctions", kT0);
  harness.feed(edge("F", "A", 1000, kT0 + kHour, "x1"));
  const auto found = exposures(harness, "A", kT0 + kHour);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].category, "sanctions");
  EXPECT_EQ(found[0].direction, ExposureDirection::kReceived);
  EXPECT_DOUBLE_EQ(found[0].score, 0.7);
  EXPECT_EQ(found[0].hops, 1u);
  EXPECT_EQ(found[0].source, "F");
  EXPECT_EQ(tx_ids(found[0].path), std::vector<std::string>{"x1"});
  EXPECT_DOUBLE_EQ(score(harness, "F", "sanctions", kT0), 1.0);
  EXPECT_DOUBLE_EQ(score(harness, "A", "trafficking", kT0 + kHour), 0.0);
  // Thirty days later (one half-life) it is half.
  EXPECT_NEAR(score(harness, "A", "sanctions", kT0 + kHour + 30 * kDay), 0.35, 1e-12);
}

TEST(ExposureTest, SecondHopIsScaledByTheShareOfTheReceiversInflow) {
  GraphHarness harness;
  flag(harness, "F", "sanctions", kT0);
  harness.feed(edge("F", "A", 1000, kT0 + kHour, "x1"));
  harness.feed(edge("X", "B", 1000, kT0 + kHour, "clean"));
  harness.feed(edge("A", "B", 1000, kT0 + 2 * kHour, "x2"));
  const auto found = exposures(harness, "B", kT0 + 2 * kHour);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NEAR(found[0].score, 0.7 * decay(kHour) * 0.7 * 0.5, 1e-12);
  EXPECT_EQ(found[0].hops, 2u);
  EXPECT_EQ(tx_ids(found[0].path), (std::vector<std::string>{"x1", "x2"}));
  EXPECT_TRUE(exposures(harness, "X", kT0 + 2 * kHour).empty());
}

TEST(ExposureTest, MuleChainEndingAtAListedEntityExposesEveryPayerUpstream) {
  GraphHarness harness;
  flag(harness, "LISTED", "sanctions", kT0);
  harness.feed(edge("A", "B", 5000, kT0 + kHour, "m1"));
  harness.feed(edge("B", "C", 4800, kT0 + 2 * kHour, "m2"));
  EXPECT_TRUE(exposures(harness, "A", kT0 + 2 * kHour).empty());
  harness.feed(edge("C", "LISTED", 4700, kT0 + 3 * kHour, "m3"));
  const auto c = exposures(harness, "C", kT0 + 3 * kHour);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].direction, ExposureDirection::kSent);
  EXPECT_DOUBLE_EQ(c[0].score, 0.7);
  const auto a = exposures(harness, "A", kT0 + 3 * kHour);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].direction, ExposureDirection::kSent);
  EXPECT_EQ(a[0].hops, 3u);
  EXPECT_EQ(a[0].source, "LISTED");
  EXPECT_EQ(a[0].time_ms, kT0 + kHour);
  EXPECT_EQ(tx_ids(a[0].path), (std::vector<std::string>{"m1", "m2", "m3"}));
  // Two hours of decay inside the path, and two more from A's payment to the query.
  EXPECT_NEAR(a[0].score, 0.7 * 0.7 * 0.7 * decay(kHour) * decay(kHour) * decay(2 * kHour), 1e-12);
}

TEST(ExposureTest, FlaggingAfterThePaymentsGivesTheSameScores) {
  const std::vector<FlowEdge> edges = {
      edge("F", "A", 1000, kT0 + kHour, "x1"), edge("X", "B", 3000, kT0 + kHour, "clean"),
      edge("A", "B", 1000, kT0 + 2 * kHour, "x2"), edge("B", "C", 3500, kT0 + 3 * kHour, "x3")};
  GraphHarness before;
  flag(before, "F", "sanctions", kT0);
  for (const auto& e : edges) before.feed(e);
  GraphHarness after;
  for (const auto& e : edges) after.feed(e);
  flag(after, "F", "sanctions", kT0 + 4 * kHour);
  for (const char* account : {"A", "B", "C", "X"}) {
    EXPECT_EQ(exposures(before, account, kT0 + 5 * kHour),
              exposures(after, account, kT0 + 5 * kHour))
        << account;
  }
  EXPECT_EQ(exposures(after, "C", kT0 + 5 * kHour).size(), 1u);
}

TEST(ExposureTest, MoneyThatLeftBeforeTheTaintArrivedIsNotExposed) {
  GraphHarness harness;
  flag(harness, "F", "sanctions", kT0);
  harness.feed(edge("A", "B", 1000, kT0 + kHour, "early"));
  harness.feed(edge("F", "A", 1000, kT0 + 2 * kHour, "taint"));
  EXPECT_EQ(exposures(harness, "A", kT0 + 2 * kHour).size(), 1u);
  EXPECT_TRUE(exposures(harness, "B", kT0 + 2 * kHour).empty());
}

TEST(ExposureTest, PathsStopAtTheHopLimitAndTheMinimumScore) {
  GraphHarness harness;
  flag(harness, "F", "sanctions", kT0);
  std::string previous = "F";
  for (int i = 1; i <= 6; ++i) {
    const std::string next = "N" + std::to_string(i);
    harness.feed(edge(previous, next, 1000, kT0 + i * kMinute, "h" + std::to_string(i)));
    previous = next;
  }
  EXPECT_EQ(exposures(harness, "N4", kT0 + kHour).at(0).hops, 4u);
  EXPECT_TRUE(exposures(harness, "N5", kT0 + kHour).empty());
  // A one-unit payment among 999 clean ones: share 0.001, score below 0.01.
  harness.feed(edge("CLEAN", "D", 999, kT0 + kHour, "c"));
  harness.feed(edge("F", "D", 1, kT0 + 2 * kHour, "dust"));
  EXPECT_TRUE(exposures(harness, "D", kT0 + 2 * kHour).empty());
}

TEST(ExposureTest, FanOutIsBoundedToTheLargestPayments) {
  GraphConfigs configs;
  configs.exposure.max_fanout = 16;
  GraphHarness harness(configs);
  for (int i = 0; i < 40; ++i) {
    harness.feed(
        edge("F", "R" + std::to_string(i), 100 + i, kT0 + i * kMinute, "f" + std::to_string(i)));
  }
  flag(harness, "F", "sanctions", kT0 + kHour);
  int exposed = 0;
  for (int i = 0; i < 40; ++i) {
    const bool has = !exposures(harness, "R" + std::to_string(i), kT0 + kHour).empty();
    exposed += has;
    EXPECT_EQ(has, i >= 24) << i;  // the 16 largest payments
  }
  EXPECT_EQ(exposed, 16);
}

TEST(ExposureTest, CategoriesAreScoredSeparately) {
  GraphHarness harness;
  flag(harness, "SANCTIONED", "sanctions", kT0);
  flag(harness, "TRAFFICKER", "trafficking", kT0);
  harness.feed(edge("SANCTIONED", "A", 1000, kT0 + kHour, "s1"));
  harness.feed(edge("TRAFFICKER", "A", 3000, kT0 + kHour, "t1"));
  const auto found = exposures(harness, "A", kT0 + kHour);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].category, "sanctions");
  EXPECT_EQ(found[1].category, "trafficking");
  EXPECT_DOUBLE_EQ(score(harness, "A", "trafficking", kT0 + kHour), 0.7 * 0.75);
  // The sanctions hop came first, when A's inflow was 1000 only.
  EXPECT_DOUBLE_EQ(score(harness, "A", "sanctions", kT0 + kHour), 0.7);
  auto flags = harness.exposure().flags("TRAFFICKER");
  ASSERT_TRUE(flags);
  ASSERT_EQ(flags.value().size(), 1u);
  EXPECT_EQ(flags.value()[0].reason, "test listing");
}

/// Random payments among 120 accounts, with 4 flagged ones.
std::vector<FlowEdge> traffic(uint32_t seed) {
  std::mt19937 random(seed);
  std::vector<FlowEdge> edges;
  for (int i = 0; i < 3000; ++i) {
    const auto from = random() % 120, to = random() % 120;
    if (from == to) continue;
    edges.push_back(edge("ACC-" + std::to_string(from), "ACC-" + std::to_string(to),
                         static_cast<double>(10 + random() % 5000), kT0 + i * 5 * kMinute,
                         "rnd-" + std::to_string(i)));
  }
  return edges;
}

void run(GraphHarness& harness, const std::vector<FlowEdge>& edges, bool restarts) {
  for (size_t i = 0; i < edges.size(); ++i) {
    if (i == 100) flag(harness, "ACC-1", "sanctions", edges[i].time_ms);
    if (i == 900) flag(harness, "ACC-2", "trafficking", edges[i].time_ms);
    if (i == 1500) flag(harness, "ACC-3", "sanctions", edges[i].time_ms);
    if (restarts && i % 700 == 699) harness.restart();
    harness.feed(edges[i]);
  }
}

TEST(ExposureDeterminismTest, RestartAndRerunGiveIdenticalExposures) {
  const uint32_t seed = 5150;
  SCOPED_TRACE("seed " + std::to_string(seed));
  const auto edges = traffic(seed);
  const int64_t end = edges.back().time_ms;
  GraphHarness straight, again;
  GraphConfigs small;
  small.graph.max_cached_nodes = 10;
  small.exposure.max_cached_accounts = 10;
  GraphHarness resumed(small);
  run(straight, edges, false);
  run(again, edges, false);
  run(resumed, edges, true);
  int exposed = 0;
  for (int i = 0; i < 120; ++i) {
    const std::string account = "ACC-" + std::to_string(i);
    const auto expected = exposures(straight, account, end);
    exposed += !expected.empty();
    EXPECT_EQ(exposures(again, account, end), expected) << account;
    EXPECT_EQ(exposures(resumed, account, end), expected) << account;
  }
  EXPECT_GT(exposed, 10);
  straight.checkpoint();
  again.checkpoint();
  EXPECT_EQ(straight.store().scan("g/").value(), again.store().scan("g/").value());
}

}  // namespace
}  // namespace nexus::graph
