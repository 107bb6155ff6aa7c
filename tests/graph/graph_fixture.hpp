// Shared helpers for the graph tests: event times, edges, and a harness that
// owns a store, the flow graph, the detectors and the exposure tracker, with a
// checkpoint-and-restart step.
#pragma once

#include "engine/graph/exposure_tracker.hpp"
#include "engine/graph/flow_graph.hpp"
#include "engine/graph/pattern_detector.hpp"
#include "engine/memory_state_store.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace nexus::graph::testing {

inline constexpr int64_t kT0 = 1'735'689'600'000;  // 2025-01-01T00:00:00Z
inline constexpr int64_t kMinute = 60'000;
inline constexpr int64_t kHour = 60 * kMinute;
inline constexpr int64_t kDay = 24 * kHour;

inline FlowEdge edge(std::string from, std::string to, double amount, int64_t time_ms,
                     std::string tx_id) {
  return FlowEdge{std::move(from), std::move(to), amount, time_ms, std::move(tx_id)};
}

struct GraphConfigs {
  FlowGraphConfig graph;
  PatternConfig patterns;
  ExposureConfig exposure;
};

/// The graph, detectors and exposure over one store, rebuilt by restart().
class GraphHarness {
 public:
  explicit GraphHarness(GraphConfigs configs = {}, engine::MemoryStateStore* shared_store = nullptr)
      : configs_(configs), store_(shared_store ? shared_store : &own_store_) {
    build();
  }

  /// Adds the edge; returns what the detectors found on it.
  std::vector<Detection> feed(const FlowEdge& e) {
    std::vector<Detection> out;
    auto added = graph_->add(e);
    EXPECT_TRUE(added) << added.error().message;
    if (!added || added.value() != AddStatus::kAdded) return out;
    auto detected = detector_->on_edge(e, &out);
    EXPECT_TRUE(detected) << detected.error().message;
    auto exposed = exposure_->on_edge(e);
    EXPECT_TRUE(exposed) << exposed.error().message;
    return out;
  }

  /// Writes everything dirty in one batch and evicts, like an engine checkpoint.
  void checkpoint() {
    engine::StateBatch batch;
    graph_->collect_dirty(&batch);
    exposure_->collect_dirty(&batch);
    ASSERT_TRUE(store_->write(batch));
    graph_->evict();
    exposure_->evict();
  }

  /// Checkpoints, then drops all in-memory state and rebuilds it over the same store.
  void restart() {
    checkpoint();
    build();
  }

  FlowGraph& graph() { return *graph_; }
  PatternDetector& detector() { return *detector_; }
  ExposureTracker& exposure() { return *exposure_; }
  engine::MemoryStateStore& store() { return *store_; }

 private:
  void build() {
    exposure_.reset();
    detector_.reset();
    graph_ = std::make_unique<FlowGraph>(*store_, configs_.graph);
    detector_ = std::make_unique<PatternDetector>(*graph_, configs_.patterns);
    exposure_ = std::make_unique<ExposureTracker>(*store_, *graph_, configs_.exposure);
  }

  GraphConfigs configs_;
  engine::MemoryStateStore own_store_;
  engine::MemoryStateStore* store_;
  std::unique_ptr<FlowGraph> graph_;
  std::unique_ptr<PatternDetector> detector_;
  std::unique_ptr<ExposureTracker> exposure_;
};

/// Only the detections of one pattern.
inline std::vector<Detection> only(const std::vector<Detection>& all, Pattern pattern) {
  std::vector<Detection> out;
  for (const auto& detection : all) {
    if (detection.pattern == pattern) out.push_back(detection);
  }
  return out;
}

inline double fact(const Detection& detection, const std::string& name) {
  for (const auto& item : detection.facts) {
    if (item.name == name) return item.value;
  }
  ADD_FAILURE() << "no fact " << name;
  return -1;
}

}  // namespace nexus::graph::testing
