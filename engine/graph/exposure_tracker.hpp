// ExposureTracker: how close an account's money is to a flagged account (a
// sanctions hit, or an account with a confirmed alert), per category
// ("sanctions", "trafficking", ...), in two directions:
//
//   received  money that left a flagged account reached this one (downstream)
//   sent      this account's money went on to reach a flagged account (upstream:
//             donors and mules feeding a listed person)
//
// Score of a path from the flagged account, one factor per hop:
//   hop_decay x share x time decay, where
//   share (received) = the edge's amount / what the receiving account took in over
//                      the share window (so 1.0 when all its money came that way)
//   share (sent)     = the edge's amount / what the sending account paid out over it
//   time decay       = 2^(-gap / half_life) for the gap between consecutive hops;
// and the stored score decays the same way from the time it arose to the time read.
// Paths respect time (each hop at or after the one before it in money-flow
// order), so a payment cannot carry exposure backwards in time. Each account
// keeps its best path per (category, direction): the highest score, then fewer
// hops, then the smaller source id.
//
// Bounds: paths of at most `max_hops`; from each account at most `max_fanout`
// edges (largest amounts first); at most `max_visits` edges per propagation;
// scores below `min_score` are neither kept nor propagated. flag() walks the
// window around the flagged account; on_edge() costs one hop plus whatever the
// new edge opens, within the same bounds.
//
// State: per-account records in memory, read through to the StateStore on a miss
// ("g/x/<account>"), written by collect_dirty() in the checkpoint batch.
// Threading: the thread that owns the FlowGraph.
#pragma once

#include "engine/graph/flow_edge.hpp"
#include "engine/graph/flow_graph.hpp"
#include "engine/state_store.hpp"

#include "base/result.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::graph {

enum class ExposureDirection { kReceived, kSent };

/// "received", "sent".
std::string_view exposure_direction_name(ExposureDirection direction);

struct ExposureConfig {
  /// Longest path, in hops. Default: 4.
  size_t max_hops = 4;
  /// Factor per hop. Default: 0.7.
  double hop_decay = 0.7;
  /// Half-life of a score over event time. Default: 30 days.
  int64_t half_life_ms = 30LL * 24 * 3600 * 1000;
  /// Window over which an account's inflow/outflow is summed for the share. Default:
  /// 7 days (cut to the graph's window).
  int64_t share_window_ms = 7LL * 24 * 3600 * 1000;
  /// Scores below this are dropped. Default: 0.01.
  double min_score = 0.01;
  /// Edges followed from one account. Default: 16.
  size_t max_fanout = 16;
  /// Edges examined per propagation. Default: 256.
  size_t max_visits = 256;
  /// Account records kept in memory before clean ones are evicted. Default: 1,000,000.
  size_t max_cached_accounts = 1'000'000;
};

struct Flag {
  std::string category;
  int64_t time_ms = 0;
  std::string reason;  // e.g. "UN QDi.276", "alert 7392967f... confirmed"
  friend bool operator==(const Flag&, const Flag&) = default;
};

struct Exposure {
  std::string category;
  ExposureDirection direction = ExposureDirection::kReceived;
  /// The score at `time_ms` in storage; decayed to the time asked for by exposures().
  double score = 0;
  /// When it arose: the path's hop at this account (arrival for received, departure
  /// for sent).
  int64_t time_ms = 0;
  size_t hops = 0;
  std::string source;          // the flagged account
  std::vector<FlowEdge> path;  // in money-flow order, `hops` edges

  friend bool operator==(const Exposure&, const Exposure&) = default;
};

class ExposureTracker {
 public:
  /// `store` and `graph` must outlive the tracker.
  ExposureTracker(engine::StateStore& store, FlowGraph& graph, ExposureConfig config);
  ~ExposureTracker();
  ExposureTracker(const ExposureTracker&) = delete;
  ExposureTracker& operator=(const ExposureTracker&) = delete;

  /// Flags `account` in `category` at `time_ms` and propagates over the window's edges,
  /// both directions. Flagging an account already flagged in the category changes
  /// nothing. Errors: store I/O.
  Result<void> flag(std::string_view account, std::string_view category, int64_t time_ms,
                    std::string_view reason);

  /// Propagates over `edge`, just added to the graph (AddStatus::kAdded).
  Result<void> on_edge(const FlowEdge& edge);

  /// The account's exposures, scores decayed to `at_ms`, sorted by (category, direction).
  Result<std::vector<Exposure>> exposures(std::string_view account, int64_t at_ms);
  /// The account's flags, sorted by category.
  Result<std::vector<Flag>> flags(std::string_view account);
  /// 1.0 if flagged in `category`; else the best exposure in it (either direction) at
  /// `at_ms`; 0 if none.
  Result<double> score(std::string_view account, std::string_view category, int64_t at_ms);

  void collect_dirty(engine::StateBatch* batch);
  void evict();
  size_t cached_accounts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nexus::graph
