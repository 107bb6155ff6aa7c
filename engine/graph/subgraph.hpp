// Subgraph: the evidence a detection or an exposure carries, a small picture
// (nodes, and edges with amounts, times and tx ids) that an analyst can draw.
// A plain value, thread-compatible.
#pragma once

#include "engine/graph/flow_edge.hpp"

#include <string>
#include <vector>

namespace nexus::graph {

/// Nodes sorted by account id; edges sorted by (time, tx id). `truncated` says edges
/// were left out to keep the picture small (the detection's facts still count them).
struct Subgraph {
  std::vector<std::string> nodes;
  std::vector<FlowEdge> edges;
  bool truncated = false;

  /// Builds from `edges` in any order: sorts, removes repeated tx ids, keeps at most
  /// `max_edges` (the latest), and lists the nodes of the kept edges plus `extra_nodes`.
  static Subgraph from_edges(std::vector<FlowEdge> edges, size_t max_edges,
                             const std::vector<std::string>& extra_nodes = {});
  /// {"nodes":[...],"edges":[{"from":..,"to":..,"amount":..,"time_ms":..,"tx_id":..}],
  ///  "truncated":false}: stable bytes for the same subgraph.
  std::string to_json() const;

  friend bool operator==(const Subgraph&, const Subgraph&) = default;
};

}  // namespace nexus::graph
