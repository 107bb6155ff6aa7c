// PatternDetector: each detector fires on a planted pattern, once, with the
// subgraph that explains it, and stays quiet on a near miss; detections are the
// same on a second run and across a restart.
#include "graph_fixture.hpp"

#include <random>

namespace nexus::graph {
namespace {

using namespace testing;

std::vector<Detection> feed_all(GraphHarness& harness, const std::vector<FlowEdge>& edges) {
  std::vector<Detection> out;
  for (const auto& e : edges) {
    auto found = harness.feed(e);
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

std::vector<std::string> tx_ids(const Subgraph& picture) {
  std::vector<std::string> out;
  for (const auto& e : picture.edges) out.push_back(e.tx_id);
  return out;
}

// ---- fan-out / fan-in ----

TEST(FanOutTest, FiresOnTheTenthDistinctReceiverOnce) {
  GraphHarness harness;
  std::vector<FlowEdge> edges;
  for (int i = 0; i < 12; ++i) {
    edges.push_back(
        edge("HUB", "R" + std::to_string(i), 100, kT0 + i * kHour, "t" + std::to_string(i)));
  }
  const auto found = only(feed_all(harness, edges), Pattern::kFanOut);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject, "HUB");
  EXPECT_EQ(found[0].trigger_tx, "t9");
  EXPECT_EQ(fact(found[0], "distinct_receivers"), 10);
  EXPECT_EQ(found[0].subgraph.edges.size(), 10u);
  EXPECT_EQ(found[0].subgraph.nodes.size(), 11u);
}

TEST(FanOutTest, NineReceiversAndARepeatDoNotFire) {
  GraphHarness harness;
  std::vector<FlowEdge> edges;
  for (int i = 0; i < 9; ++i) {
    edges.push_back(
        edge("HUB", "R" + std::to_string(i), 100, kT0 + i * kHour, "t" + std::to_string(i)));
  }
  edges.push_back(edge("HUB", "R0", 100, kT0 + 10 * kHour, "again"));
  EXPECT_TRUE(only(feed_all(harness, edges), Pattern::kFanOut).empty());
}

TEST(FanOutTest, ReceiversSpreadBeyondTheWindowDoNotFire) {
  GraphHarness harness;  // fan window 72 h
  std::vector<FlowEdge> edges;
  for (int i = 0; i < 12; ++i) {
    edges.push_back(
        edge("HUB", "R" + std::to_string(i), 100, kT0 + i * 9 * kHour, "t" + std::to_string(i)));
  }
  EXPECT_TRUE(only(feed_all(harness, edges), Pattern::kFanOut).empty());
}

TEST(FanInTest, FiresOnTheTenthDistinctSender) {
  GraphHarness harness;
  std::vector<FlowEdge> edges;
  for (int i = 0; i < 10; ++i) {
    edges.push_back(
        edge("D" + std::to_string(i), "COLLECTOR", 50, kT0 + i * kMinute, "t" + std::to_string(i)));
  }
  const auto found = only(feed_all(harness, edges), Pattern::kFanIn);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject, "COLLECTOR");
  EXPECT_EQ(fact(found[0], "distinct_senders"), 10);
  EXPECT_EQ(fact(found[0], "amount_sum"), 500);
}

TEST(FanInTest, NineSendersDoNotFire) {
  GraphHarness harness;
  std::vector<FlowEdge> edges;
  for (int i = 0; i < 9; ++i) {
    edges.push_back(
        edge("D" + std::to_string(i), "COLLECTOR", 50, kT0 + i * kMinute, "t" + std::to_string(i)));
    edges.push_back(edge("D" + std::to_string(i), "COLLECTOR", 50, kT0 + i * kMinute + 1,
                         "u" + std::to_string(i)));
  }
  EXPECT_TRUE(only(feed_all(harness, edges), Pattern::kFanIn).empty());
}

// ---- cycle ----

TEST(CycleTest, FiresWhenMoneyReturnsToItsOrigin) {
  GraphHarness harness;
  const auto found = only(
      feed_all(harness, {edge("A", "B", 1000, kT0, "c1"), edge("B", "C", 950, kT0 + kHour, "c2"),
                         edge("C", "D", 900, kT0 + 2 * kHour, "c3"),
                         edge("D", "A", 880, kT0 + 3 * kHour, "c4")}),
      Pattern::kCycle);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject, "A");
  EXPECT_EQ(found[0].trigger_tx, "c4");
  EXPECT_EQ(fact(found[0], "hops"), 4);
  EXPECT_EQ(fact(found[0], "duration_ms"), 3 * kHour);
  EXPECT_EQ(tx_ids(found[0].subgraph), (std::vector<std::string>{"c1", "c2", "c3", "c4"}));
  EXPECT_EQ(found[0].subgraph.nodes, (std::vector<std::string>{"A", "B", "C", "D"}));
}

TEST(CycleTest, FindsTheCycleAmongDistractors) {
  GraphHarness harness;
  std::vector<FlowEdge> edges;
  // Noise into C from many accounts, and a long dead-end chain into D.
  for (int i = 0; i < 30; ++i) {
    edges.push_back(edge("N" + std::to_string(i), "C", 10, kT0 + i, "n" + std::to_string(i)));
  }
  edges.push_back(edge("A", "B", 1000, kT0 + kHour, "c1"));
  edges.push_back(edge("B", "C", 950, kT0 + 2 * kHour, "c2"));
  edges.push_back(edge("C", "A", 900, kT0 + 3 * kHour, "c3"));
  const auto found = only(feed_all(harness, edges), Pattern::kCycle);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(tx_ids(found[0].subgraph), (std::vector<std::string>{"c1", "c2", "c3"}));
}

TEST(CycleTest, ChainThatDoesNotReturnDoesNotFire) {
  GraphHarness harness;
  EXPECT_TRUE(only(feed_all(harness, {edge("A", "B", 1000, kT0, "c1"),
                                      edge("B", "C", 950, kT0 + kHour, "c2"),
                                      edge("C", "D", 900, kT0 + 2 * kHour, "c3"),
                                      edge("D", "E", 880, kT0 + 3 * kHour, "c4")}),
                   Pattern::kCycle)
                  .empty());
}

TEST(CycleTest, ReturnBeforeTheMoneyLeftDoesNotFire) {
  GraphHarness harness;
  // B -> C happens before A -> B: money cannot have gone A -> B -> C -> A.
  EXPECT_TRUE(only(feed_all(harness, {edge("B", "C", 950, kT0, "c2"),
                                      edge("A", "B", 1000, kT0 + kHour, "c1"),
                                      edge("C", "A", 900, kT0 + 2 * kHour, "c3")}),
                   Pattern::kCycle)
                  .empty());
}

TEST(CycleTest, RespectsHopLimitsAndTheWindow) {
  auto ring = [](int length, int64_t step, const std::string& prefix) {
    std::vector<FlowEdge> edges;
    for (int i = 0; i < length; ++i) {
      edges.push_back(edge(prefix + std::to_string(i), prefix + std::to_string((i + 1) % length),
                           100, kT0 + i * step, prefix + "t" + std::to_string(i)));
    }
    return edges;
  };
  {
    GraphHarness harness;  // max 8 hops
    EXPECT_EQ(only(feed_all(harness, ring(8, kHour, "a")), Pattern::kCycle).size(), 1u);
    EXPECT_TRUE(only(feed_all(harness, ring(9, kHour, "b")), Pattern::kCycle).empty());
    EXPECT_TRUE(only(feed_all(harness, ring(2, kHour, "c")), Pattern::kCycle).empty());  // min 3
  }
  {
    GraphConfigs configs;
    configs.patterns.cycle_min_hops = 2;
    GraphHarness harness(configs);
    EXPECT_EQ(only(feed_all(harness, ring(2, kHour, "c")), Pattern::kCycle).size(), 1u);
  }
  {
    GraphConfigs configs;
    configs.patterns.cycle_window_ms = 2 * kDay;
    GraphHarness harness(configs);
    EXPECT_TRUE(only(feed_all(harness, ring(4, kDay, "d")), Pattern::kCycle).empty());  // 3 days
  }
}

TEST(CycleTest, SearchBoundsLimitTheSearch) {
  GraphConfigs configs;
  configs.patterns.max_visits = 2;
  GraphHarness harness(configs);
  EXPECT_TRUE(only(feed_all(harness, {edge("A", "B", 1000, kT0, "c1"),
                                      edge("B", "C", 950, kT0 + kHour, "c2"),
                                      edge("C", "D", 900, kT0 + 2 * kHour, "c3"),
                                      edge("D", "A", 880, kT0 + 3 * kHour, "c4")}),
                   Pattern::kCycle)
                  .empty());
}

// ---- scatter-gather / gather-scatter ----

std::vector<FlowEdge> scatter_gather(int intermediates, int64_t gather_offset) {
  std::vector<FlowEdge> edges;
  for (int i = 0; i < intermediates; ++i) {
    edges.push_back(
        edge("SRC", "M" + std::to_string(i), 2500, kT0 + i * kHour, "s" + std::to_string(i)));
  }
  for (int i = 0; i < intermediates; ++i) {
    edges.push_back(edge("M" + std::to_string(i), "SINK", 2400, kT0 + gather_offset + i * kHour,
                         "g" + std::to_string(i)));
  }
  std::stable_sort(edges.begin(), edges.end(),
                   [](const FlowEdge& a, const FlowEdge& b) { return a.time_ms < b.time_ms; });
  return edges;
}

TEST(ScatterGatherTest, FiresWhenTheFourthIntermediatePaysTheSink) {
  GraphHarness harness;
  const auto found = only(feed_all(harness, scatter_gather(5, 6 * kHour)), Pattern::kScatterGather);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject, "SINK");
  EXPECT_EQ(found[0].counterpart, "SRC");
  EXPECT_EQ(found[0].trigger_tx, "g3");
  EXPECT_EQ(fact(found[0], "intermediates"), 4);
  EXPECT_EQ(tx_ids(found[0].subgraph),
            (std::vector<std::string>{"s0", "s1", "s2", "s3", "g0", "g1", "g2", "g3"}));
}

TEST(ScatterGatherTest, ThreeIntermediatesDoNotFire) {
  GraphHarness harness;
  EXPECT_TRUE(
      only(feed_all(harness, scatter_gather(3, 6 * kHour)), Pattern::kScatterGather).empty());
}

TEST(ScatterGatherTest, PaymentsToTheSinkBeforeTheScatterDoNotCount) {
  GraphHarness harness;
  // Each intermediate pays the sink 10 h before the source pays it.
  EXPECT_TRUE(
      only(feed_all(harness, scatter_gather(6, -10 * kHour)), Pattern::kScatterGather).empty());
}

std::vector<FlowEdge> gather_scatter(int senders, int receivers, int64_t scatter_offset) {
  std::vector<FlowEdge> edges;
  for (int i = 0; i < senders; ++i) {
    edges.push_back(
        edge("G" + std::to_string(i), "HUB", 1000, kT0 + i * kHour, "in" + std::to_string(i)));
  }
  for (int i = 0; i < receivers; ++i) {
    edges.push_back(edge("HUB", "O" + std::to_string(i), 900, kT0 + scatter_offset + i * kHour,
                         "out" + std::to_string(i)));
  }
  std::stable_sort(edges.begin(), edges.end(),
                   [](const FlowEdge& a, const FlowEdge& b) { return a.time_ms < b.time_ms; });
  return edges;
}

TEST(GatherScatterTest, FiresOnTheFifthReceiverAfterFiveSenders) {
  GraphHarness harness;
  const auto found =
      only(feed_all(harness, gather_scatter(5, 6, 10 * kHour)), Pattern::kGatherScatter);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject, "HUB");
  EXPECT_EQ(found[0].trigger_tx, "out4");
  EXPECT_EQ(fact(found[0], "distinct_senders"), 5);
  EXPECT_EQ(fact(found[0], "distinct_receivers"), 5);
  EXPECT_EQ(found[0].subgraph.edges.size(), 10u);
}

TEST(GatherScatterTest, FourSendersDoNotFire) {
  GraphHarness harness;
  EXPECT_TRUE(
      only(feed_all(harness, gather_scatter(4, 8, 10 * kHour)), Pattern::kGatherScatter).empty());
}

TEST(GatherScatterTest, PaymentsOutBeforeTheGatheringDoNotCount) {
  GraphHarness harness;
  EXPECT_TRUE(
      only(feed_all(harness, gather_scatter(5, 5, -20 * kHour)), Pattern::kGatherScatter).empty());
}

// ---- pass-through ----

TEST(PassThroughTest, FiresOnARapidThreeHopChain) {
  GraphHarness harness;
  const auto found = only(
      feed_all(harness, {edge("A", "B", 10000, kT0, "p1"), edge("B", "C", 9500, kT0 + kHour, "p2"),
                         edge("C", "D", 9000, kT0 + 2 * kHour, "p3")}),
      Pattern::kPassThrough);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject, "D");
  EXPECT_EQ(found[0].counterpart, "A");
  EXPECT_EQ(fact(found[0], "hops"), 3);
  EXPECT_DOUBLE_EQ(fact(found[0], "retention"), 0.9);
  EXPECT_EQ(tx_ids(found[0].subgraph), (std::vector<std::string>{"p1", "p2", "p3"}));
}

TEST(PassThroughTest, ALongerChainReportsItsWholeLength) {
  GraphHarness harness;
  const auto found = only(
      feed_all(harness, {edge("A", "B", 10000, kT0, "p1"), edge("B", "C", 9500, kT0 + kHour, "p2"),
                         edge("C", "D", 9000, kT0 + 2 * kHour, "p3"),
                         edge("D", "E", 8800, kT0 + 3 * kHour, "p4")}),
      Pattern::kPassThrough);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(fact(found[1], "hops"), 4);
  EXPECT_EQ(found[1].counterpart, "A");
}

TEST(PassThroughTest, NearMissesDoNotFire) {
  {
    GraphHarness harness;  // B holds the money 7 h (limit 6 h)
    EXPECT_TRUE(only(feed_all(harness, {edge("A", "B", 10000, kT0, "p1"),
                                        edge("B", "C", 9500, kT0 + 7 * kHour, "p2"),
                                        edge("C", "D", 9000, kT0 + 8 * kHour, "p3")}),
                     Pattern::kPassThrough)
                    .empty());
  }
  {
    GraphHarness harness;  // B passes on only 30 %
    EXPECT_TRUE(only(feed_all(harness, {edge("A", "B", 10000, kT0, "p1"),
                                        edge("B", "C", 3000, kT0 + kHour, "p2"),
                                        edge("C", "D", 2900, kT0 + 2 * kHour, "p3")}),
                     Pattern::kPassThrough)
                    .empty());
  }
  {
    GraphHarness harness;  // two hops only
    EXPECT_TRUE(only(feed_all(harness, {edge("A", "B", 10000, kT0, "p1"),
                                        edge("B", "C", 9500, kT0 + kHour, "p2")}),
                     Pattern::kPassThrough)
                    .empty());
  }
  {
    GraphHarness harness;  // the money left B before it arrived
    EXPECT_TRUE(only(feed_all(harness, {edge("B", "C", 9500, kT0, "p2"),
                                        edge("A", "B", 10000, kT0 + kHour, "p1"),
                                        edge("C", "D", 9000, kT0 + 2 * kHour, "p3")}),
                     Pattern::kPassThrough)
                    .empty());
  }
}

// ---- determinism and restart ----

/// Random payments among 300 accounts over 6 days, with planted patterns mixed in.
std::vector<FlowEdge> traffic(uint32_t seed) {
  std::mt19937 random(seed);
  std::vector<FlowEdge> edges;
  for (int i = 0; i < 6000; ++i) {
    const auto from = random() % 300, to = random() % 300;
    if (from == to) continue;
    edges.push_back(edge("ACC-" + std::to_string(from), "ACC-" + std::to_string(to),
                         static_cast<double>(10 + random() % 5000),
                         kT0 + static_cast<int64_t>(random() % (6 * kDay)),
                         "rnd-" + std::to_string(i)));
  }
  auto plant = [&](const std::vector<FlowEdge>& pattern, int64_t offset, const std::string& tag) {
    for (auto e : pattern) {
      e.time_ms += offset;
      e.from = tag + e.from;
      e.to = tag + e.to;
      e.tx_id = tag + e.tx_id;
      edges.push_back(e);
    }
  };
  plant(scatter_gather(5, 6 * kHour), kDay, "sg-");
  plant(gather_scatter(6, 6, 10 * kHour), 2 * kDay, "gs-");
  plant({edge("A", "B", 10000, kT0, "p1"), edge("B", "C", 9500, kT0 + kHour, "p2"),
         edge("C", "D", 9000, kT0 + 2 * kHour, "p3"), edge("D", "A", 8000, kT0 + 3 * kHour, "p4")},
        3 * kDay, "cy-");
  std::stable_sort(edges.begin(), edges.end(),
                   [](const FlowEdge& a, const FlowEdge& b) { return a.time_ms < b.time_ms; });
  return edges;
}

TEST(DeterminismTest, SameInputTwiceGivesIdenticalDetections) {
  const uint32_t seed = 424242;
  SCOPED_TRACE("seed " + std::to_string(seed));
  const auto edges = traffic(seed);
  std::vector<Detection> runs[2];
  std::vector<std::pair<std::string, std::string>> stores[2];
  for (int run = 0; run < 2; ++run) {
    GraphHarness harness;
    runs[run] = feed_all(harness, edges);
    harness.checkpoint();
    stores[run] = harness.store().scan("g/").value();
  }
  ASSERT_EQ(runs[0].size(), runs[1].size());
  for (size_t i = 0; i < runs[0].size(); ++i) {
    EXPECT_EQ(runs[0][i], runs[1][i]) << i;
    EXPECT_EQ(runs[0][i].subgraph.to_json(), runs[1][i].subgraph.to_json()) << i;
  }
  EXPECT_EQ(stores[0], stores[1]);
  for (Pattern p :
       {Pattern::kCycle, Pattern::kScatterGather, Pattern::kGatherScatter, Pattern::kPassThrough}) {
    EXPECT_FALSE(only(runs[0], p).empty()) << pattern_name(p);
  }
}

TEST(DeterminismTest, RestartMidStreamGivesTheSameDetections) {
  const auto edges = traffic(99);
  GraphHarness straight;
  const auto expected = feed_all(straight, edges);

  GraphConfigs small;
  small.graph.max_cached_nodes = 16;  // most of the graph must be read back from the store
  GraphHarness resumed(small);
  std::vector<Detection> got;
  for (size_t i = 0; i < edges.size(); ++i) {
    if (i % 1000 == 999) resumed.restart();
    auto found = resumed.feed(edges[i]);
    got.insert(got.end(), found.begin(), found.end());
  }
  EXPECT_GT(resumed.store().gets(), 1000);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], expected[i]) << i;
}

}  // namespace
}  // namespace nexus::graph
