// FlowGraph: the money-flow edges of an event-time sliding window, as per-account
// adjacency lists (outgoing and incoming), the graph the pattern detectors and
// the exposure tracker walk.
//
// Window: an edge lives while its time is after horizon() = watermark() -
// window_ms, where the watermark is the latest event time added. Expired edges
// are dropped when their account is next touched and are invisible to
// every query before that.
// Bounds: at most `max_edges_per_node` edges per account and direction (the
// oldest are dropped and the list marked truncated), so a hub account (a
// merchant, a payroll account) costs the same as any other.
//
// State: adjacency lists live in memory and read through to the StateStore on a
// miss ("g/f/<account>"); collect_dirty() adds changed lists and the watermark
// ("g/m/flow") to the checkpoint batch, so a restart resumes the same window.
// Threading: one thread (the engine's). Cost of add(): two list lookups and an
// insertion into each list, O(max_edges_per_node).
#pragma once

#include "engine/graph/flow_edge.hpp"
#include "engine/state_store.hpp"

#include "base/result.hpp"

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::graph {

struct FlowGraphConfig {
  /// Length of the sliding window. Default: 7 days.
  int64_t window_ms = 7LL * 24 * 3600 * 1000;
  /// Edges kept per account and direction (the latest). Default: 128.
  size_t max_edges_per_node = 128;
  /// Accounts whose lists are kept in memory before clean ones are evicted at a
  /// checkpoint. Default: 1,000,000.
  size_t max_cached_nodes = 1'000'000;
};

/// One side of an edge as an account's list holds it: the other account is `peer`.
struct FlowEntry {
  int64_t time_ms = 0;
  double amount = 0;
  std::string peer;
  std::string tx_id;
};

/// An account's edges, each list in event-time order (equal times: arrival order).
struct NodeFlows {
  std::vector<FlowEntry> out;
  std::vector<FlowEntry> in;
  bool out_truncated = false;
  bool in_truncated = false;

  std::string serialize() const;
  static bool deserialize(std::string_view bytes, NodeFlows* out);
};

enum class AddStatus {
  kAdded,
  kDuplicate,  // this tx id is already in the window at this time (redelivery)
  kTooOld,     // at or before the horizon: outside the window already
  kSelfLoop,   // from == to: not a flow between accounts
  kInvalid,    // an empty account or tx id, or an amount that is not positive and finite
};

class FlowGraph {
 public:
  /// `store` must outlive the graph. Reads the persisted watermark (an I/O error there
  /// reads as none).
  FlowGraph(engine::StateStore& store, FlowGraphConfig config);
  ~FlowGraph();
  FlowGraph(const FlowGraph&) = delete;
  FlowGraph& operator=(const FlowGraph&) = delete;

  /// Adds the edge to both accounts' lists and advances the watermark. Errors: store I/O.
  Result<AddStatus> add(const FlowEdge& edge);

  /// The account's lists, nullptr when it has none. Entries at or before horizon() may
  /// still be there: callers bound their scans by time (live() helps). The pointer is
  /// valid until the next add() or evict().
  Result<const NodeFlows*> node(std::string_view account);

  /// Whether an entry at `time_ms` is inside the window.
  bool live(int64_t time_ms) const { return time_ms > horizon(); }
  int64_t watermark() const { return watermark_; }
  int64_t horizon() const {
    return watermark_ == std::numeric_limits<int64_t>::min() ? watermark_
                                                             : watermark_ - config_.window_ms;
  }
  const FlowGraphConfig& config() const { return config_; }

  void collect_dirty(engine::StateBatch* batch);
  void evict();
  size_t cached_nodes() const;
  /// node() calls so far (the detectors' and the tracker's reads of the graph).
  uint64_t lookups() const { return lookups_; }
  /// Lookups and adds that missed the cache (each a store read unless known absent).
  uint64_t cache_misses() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  FlowGraphConfig config_;
  int64_t watermark_ = std::numeric_limits<int64_t>::min();
  bool watermark_dirty_ = false;
  uint64_t lookups_ = 0;
};

}  // namespace nexus::graph
