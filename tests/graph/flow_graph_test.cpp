// FlowGraph: the sliding window, its caps, redelivery, and restart.
#include "graph_fixture.hpp"

namespace nexus::graph {
namespace {

using namespace testing;

const NodeFlows* node(FlowGraph& graph, const std::string& account) {
  auto result = graph.node(account);
  EXPECT_TRUE(result);
  return result ? result.value() : nullptr;
}

AddStatus add(FlowGraph& graph, const FlowEdge& e) {
  auto result = graph.add(e);
  EXPECT_TRUE(result);
  return result ? result.value() : AddStatus::kInvalid;
}

TEST(FlowGraphTest, EdgeAppearsInBothAccountsLists) {
  engine::MemoryStateStore store;
  FlowGraph graph(store, {});
  EXPECT_EQ(add(graph, edge("A", "B", 100, kT0, "t1")), AddStatus::kAdded);
  const NodeFlows* a = node(graph, "A");
  const NodeFlows* b = node(graph, "B");
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->out.size(), 1u);
  EXPECT_EQ(a->out[0].peer, "B");
  EXPECT_EQ(a->out[0].tx_id, "t1");
  EXPECT_TRUE(a->in.empty());
  ASSERT_EQ(b->in.size(), 1u);
  EXPECT_EQ(b->in[0].peer, "A");
  EXPECT_EQ(b->in[0].amount, 100);
  EXPECT_EQ(node(graph, "C"), nullptr);
  EXPECT_EQ(graph.watermark(), kT0);
}

TEST(FlowGraphTest, RefusesRedeliveriesSelfLoopsOldAndInvalidEdges) {
  engine::MemoryStateStore store;
  FlowGraphConfig config;
  config.window_ms = kDay;
  FlowGraph graph(store, config);
  EXPECT_EQ(add(graph, edge("A", "B", 100, kT0, "t1")), AddStatus::kAdded);
  EXPECT_EQ(add(graph, edge("A", "B", 100, kT0, "t1")), AddStatus::kDuplicate);
  EXPECT_EQ(add(graph, edge("A", "A", 100, kT0, "t2")), AddStatus::kSelfLoop);
  EXPECT_EQ(add(graph, edge("A", "B", -5, kT0, "t3")), AddStatus::kInvalid);
  EXPECT_EQ(add(graph, edge("A", "", 5, kT0, "t4")), AddStatus::kInvalid);
  EXPECT_EQ(add(graph, edge("C", "D", 5, kT0 + 2 * kDay, "t5")), AddStatus::kAdded);
  EXPECT_EQ(add(graph, edge("A", "B", 5, kT0 + kDay, "t6")), AddStatus::kTooOld);
  EXPECT_EQ(add(graph, edge("A", "B", 5, kT0 + kDay + 1, "t7")), AddStatus::kAdded);
}

TEST(FlowGraphTest, OldEdgesLeaveTheWindowWhenTheAccountIsTouched) {
  engine::MemoryStateStore store;
  FlowGraphConfig config;
  config.window_ms = kDay;
  FlowGraph graph(store, config);
  add(graph, edge("A", "B", 1, kT0, "t1"));
  add(graph, edge("A", "B", 2, kT0 + kHour, "t2"));
  add(graph, edge("A", "C", 3, kT0 + kDay + 30 * kMinute, "t3"));
  const NodeFlows* a = node(graph, "A");
  ASSERT_EQ(a->out.size(), 2u);  // t1 expired, t2 still inside
  EXPECT_EQ(a->out[0].tx_id, "t2");
  EXPECT_FALSE(graph.live(kT0));
  EXPECT_TRUE(graph.live(kT0 + kHour));
}

TEST(FlowGraphTest, HubKeepsOnlyTheLatestEdgesAndIsMarkedTruncated) {
  engine::MemoryStateStore store;
  FlowGraphConfig config;
  config.max_edges_per_node = 8;
  FlowGraph graph(store, config);
  for (int i = 0; i < 100; ++i) {
    add(graph,
        edge("P" + std::to_string(i), "MERCHANT", 10, kT0 + i * kMinute, "t" + std::to_string(i)));
  }
  const NodeFlows* hub = node(graph, "MERCHANT");
  ASSERT_EQ(hub->in.size(), 8u);
  EXPECT_TRUE(hub->in_truncated);
  EXPECT_EQ(hub->in.front().tx_id, "t92");
  EXPECT_EQ(hub->in.back().tx_id, "t99");
  EXPECT_FALSE(node(graph, "P5")->out_truncated);
}

TEST(FlowGraphTest, OutOfOrderEdgesAreKeptInTimeOrder) {
  engine::MemoryStateStore store;
  FlowGraph graph(store, {});
  add(graph, edge("A", "B", 1, kT0 + 2 * kHour, "late"));
  add(graph, edge("A", "C", 1, kT0, "early"));
  const NodeFlows* a = node(graph, "A");
  ASSERT_EQ(a->out.size(), 2u);
  EXPECT_EQ(a->out[0].tx_id, "early");
  EXPECT_EQ(a->out[1].tx_id, "late");
}

TEST(FlowGraphTest, RestartResumesTheWindowAndWatermark) {
  engine::MemoryStateStore store;
  FlowGraphConfig config;
  config.max_cached_nodes = 2;
  {
    FlowGraph graph(store, config);
    for (int i = 0; i < 20; ++i) {
      add(graph, edge("S" + std::to_string(i % 4), "R" + std::to_string(i % 5), 10 + i,
                      kT0 + i * kMinute, "t" + std::to_string(i)));
    }
    engine::StateBatch batch;
    graph.collect_dirty(&batch);
    ASSERT_TRUE(store.write(batch));
    graph.evict();
    EXPECT_LE(graph.cached_nodes(), 2u);
  }
  FlowGraph graph(store, config);
  EXPECT_EQ(graph.watermark(), kT0 + 19 * kMinute);
  const NodeFlows* s1 = node(graph, "S1");
  ASSERT_NE(s1, nullptr);
  ASSERT_EQ(s1->out.size(), 5u);
  EXPECT_EQ(s1->out[0].tx_id, "t1");
  EXPECT_EQ(s1->out[0].amount, 11);
  // A redelivery of an event from before the restart is still recognised.
  EXPECT_EQ(add(graph, edge("S1", "R1", 11, kT0 + kMinute, "t1")), AddStatus::kDuplicate);
}

TEST(SubgraphTest, JsonIsSortedAndStable) {
  Subgraph picture =
      Subgraph::from_edges({edge("B", "C", 5.5, kT0 + 2, "t2"), edge("A", "B", 10, kT0 + 1, "t1"),
                            edge("A", "B", 10, kT0 + 1, "t1")},
                           10);
  EXPECT_EQ(picture.nodes, (std::vector<std::string>{"A", "B", "C"}));
  ASSERT_EQ(picture.edges.size(), 2u);
  EXPECT_EQ(picture.to_json(),
            "{\"nodes\":[\"A\",\"B\",\"C\"],\"edges\":["
            "{\"from\":\"A\",\"to\":\"B\",\"amount\":10.00,\"time_ms\":1735689600001,"
            "\"tx_id\":\"t1\"},"
            "{\"from\":\"B\",\"to\":\"C\",\"amount\":5.50,\"time_ms\":1735689600002,"
            "\"tx_id\":\"t2\"}],\"truncated\":false}");
  Subgraph small = Subgraph::from_edges(
      {edge("A", "B", 1, 1, "t1"), edge("A", "C", 1, 2, "t2"), edge("A", "D", 1, 3, "t3")}, 2,
      {"A"});
  EXPECT_TRUE(small.truncated);
  ASSERT_EQ(small.edges.size(), 2u);
  EXPECT_EQ(small.edges[0].tx_id, "t2");
  EXPECT_EQ(small.nodes, (std::vector<std::string>{"A", "C", "D"}));
}

}  // namespace
}  // namespace nexus::graph
