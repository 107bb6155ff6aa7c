// PatternDetector: the structural money-flow patterns of the IBM AML benchmark
// (Altman et al., NeurIPS 2023) and AMLSim, detected incrementally on each edge
// as it enters the FlowGraph:
//
//   fan_out        one sender pays >= N distinct receivers within the window
//   fan_in         one receiver is paid by >= N distinct senders within the window
//   cycle          the new edge closes a path back to where the money started:
//                  v -> ... -> u -> v, 3..8 hops, edge times non-decreasing, in the window
//   scatter_gather a source pays >= N intermediates that each then pay one sink
//   gather_scatter >= N senders pay a hub that then pays >= M distinct receivers
//                  (in time order: only payments out after the first payment in count)
//   pass_through   a chain of >= 3 hops where each account passes on most of what it
//                  just received (ratio 0.7..1.05) within hours (mule layering)
//
// A detector fires once, on the edge that makes its condition true (the crossing:
// the Nth distinct receiver, the edge closing the cycle, the 3rd hop), not on every
// later edge while it stays true; pass_through fires on each edge that extends a
// qualifying chain (each is a new account holding the money).
//
// Bounds per event: each search follows at most `max_branching` edges out of one
// account (newest first) and examines at most `max_visits` edges in all; lists are
// capped by the FlowGraph. The evidence subgraph holds at most `max_evidence_edges`.
//
// Deterministic: searches visit edges in (time, arrival) order and results are
// sorted; nothing depends on hash-table iteration or the wall clock.
// Threading: the thread that owns the FlowGraph.
#pragma once

#include "engine/graph/flow_edge.hpp"
#include "engine/graph/flow_graph.hpp"
#include "engine/graph/subgraph.hpp"

#include "base/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::graph {

enum class Pattern { kFanOut, kFanIn, kCycle, kScatterGather, kGatherScatter, kPassThrough };

/// "fan_out", "fan_in", "cycle", "scatter_gather", "gather_scatter", "pass_through".
std::string_view pattern_name(Pattern pattern);

struct PatternConfig {
  static constexpr int64_t kHourMs = 3600 * 1000;

  /// fan_in / fan_out: window and distinct-counterparty thresholds. Defaults: 72 h, 10.
  int64_t fan_window_ms = 72 * kHourMs;
  size_t fan_in_min_senders = 10;
  size_t fan_out_min_receivers = 10;

  /// cycle: window and length in hops (edges). Defaults: 7 days, 3..8 hops (2-hop
  /// round trips are common between honest parties; set 2 to catch them).
  int64_t cycle_window_ms = 7 * 24 * kHourMs;
  size_t cycle_min_hops = 3;
  size_t cycle_max_hops = 8;

  /// scatter_gather / gather_scatter: window and thresholds. Defaults: 7 days, 4
  /// intermediates; 5 senders and 5 receivers.
  int64_t scatter_window_ms = 7 * 24 * kHourMs;
  size_t scatter_gather_min_intermediates = 4;
  size_t gather_scatter_min_senders = 5;
  size_t gather_scatter_min_receivers = 5;

  /// pass_through: chain length, time an account may hold the money, and the share of
  /// what it received that it passes on. Defaults: 3..8 hops, 6 h, 0.7..1.05 (FATF/APG
  /// 2018: funds "moved on within hours", most of the amount, small fees kept).
  size_t pass_through_min_hops = 3;
  size_t pass_through_max_hops = 8;
  int64_t pass_through_max_dwell_ms = 6 * kHourMs;
  double pass_through_min_ratio = 0.7;
  double pass_through_max_ratio = 1.05;

  /// Whether cycle, scatter_gather and gather_scatter require their edges in money-flow
  /// time order (each hop at or after the one before). Off, they match the structure
  /// alone, as some generated benchmarks (IBM HI-Small scatter-gather) do. Default: true.
  bool require_time_order = true;

  /// Search bounds (see the file comment). Defaults: 16, 512, 48.
  size_t max_branching = 16;
  size_t max_visits = 512;
  size_t max_evidence_edges = 48;

  /// Which detectors run, by bit (1 << Pattern). Default: all.
  uint32_t enabled = 0x3f;
};

/// A named number a rule can compare ("distinct_receivers" = 10).
struct Fact {
  std::string name;
  double value = 0;
  friend bool operator==(const Fact&, const Fact&) = default;
};

struct Detection {
  Pattern pattern = Pattern::kFanOut;
  /// The account the pattern is about: fan_out the sender, fan_in the receiver, cycle
  /// the origin the money returned to, scatter_gather the sink, gather_scatter the hub,
  /// pass_through the account now holding the money.
  std::string subject;
  /// The other end where there is one: scatter_gather's source, pass_through's first
  /// sender; else empty.
  std::string counterpart;
  int64_t time_ms = 0;
  std::string trigger_tx;
  std::vector<Fact> facts;
  Subgraph subgraph;

  friend bool operator==(const Detection&, const Detection&) = default;
};

class PatternDetector {
 public:
  /// `graph` must outlive the detector. Windows longer than the graph's are cut to it.
  PatternDetector(FlowGraph& graph, PatternConfig config);

  /// Runs the enabled detectors for `edge`, which the caller has just added to the graph
  /// (AddStatus::kAdded), and appends what fired, in Pattern order. Errors: store I/O.
  Result<void> on_edge(const FlowEdge& edge, std::vector<Detection>* out);

  const PatternConfig& config() const { return config_; }

 private:
  Result<void> fan(const FlowEdge& edge, bool outgoing, std::vector<Detection>* out);
  Result<void> cycle(const FlowEdge& edge, std::vector<Detection>* out);
  Result<void> scatter_gather(const FlowEdge& edge, std::vector<Detection>* out);
  Result<bool> scatter_gather_pair(const FlowEdge& edge, const std::string& source,
                                   const std::string& sink, size_t* visits,
                                   std::vector<Detection>* out);
  Result<void> gather_scatter(const FlowEdge& edge, std::vector<Detection>* out);
  Result<bool> gather_scatter_hub(const FlowEdge& edge, const std::string& hub,
                                  std::vector<Detection>* out);
  Result<void> pass_through(const FlowEdge& edge, std::vector<Detection>* out);
  bool enabled(Pattern pattern) const {
    return (config_.enabled >> static_cast<int>(pattern)) & 1u;
  }

  FlowGraph& graph_;
  PatternConfig config_;
};

}  // namespace nexus::graph
