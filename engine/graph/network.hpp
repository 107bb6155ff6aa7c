// Network: the engine's one handle on the money-flow network (issue 5): entity
// resolution over the parties' identifiers, the flow graph with its pattern
// detectors, and exposure to flagged accounts, all over one StateStore. Per event
// the engine calls observe() with both parties and the payment; it returns the
// facts rules read (clusters, detections, exposures). flag() marks an account
// (a sanctions hit, or a flag a rule raised) so exposure propagates from it.
// Engine thread only; deterministic in event time.
#pragma once

#include "engine/graph/entity_resolver.hpp"
#include "engine/graph/exposure_tracker.hpp"
#include "engine/graph/flow_edge.hpp"
#include "engine/graph/flow_graph.hpp"
#include "engine/graph/pattern_detector.hpp"

#include "base/result.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::graph {

struct NetworkConfig {
  EntityResolverConfig entities;
  FlowGraphConfig flows;
  PatternConfig patterns;
  ExposureConfig exposure;
};

/// What the network needs of one party of a payment.
struct PartyView {
  std::string account;
  std::string name;
  std::string phone, email, address, national_id, device_id;
};

/// Which parts of the network the rules read (work is skipped for the others).
struct NetworkUse {
  bool clusters = false;
  bool patterns = false;
  bool exposure = false;
  /// The payment is a transfer between the two accounts (an edge of the flow graph); when
  /// false only the parties are observed (clusters, their exposure).
  bool edge = true;
  bool any() const { return clusters || patterns || exposure; }
};

struct NetworkFacts {
  ClusterView originator_cluster;  // size 0: not computed
  ClusterView beneficiary_cluster;
  std::vector<Detection> detections;  // fired on this payment, in Pattern order
  /// The best exposure per category over the two parties (flagged accounts score 1).
  struct PartyExposure {
    std::string category;
    std::string role;  // "originator" | "beneficiary"
    std::string account;
    double score = 0;
    bool flagged = false;  // the party itself is flagged in the category
    Exposure exposure;     // the path, when not flagged itself
  };
  std::vector<PartyExposure> exposures;

  void clear();
  const Detection* detection(Pattern pattern) const;
  const PartyExposure* exposure(std::string_view category) const;
};

class Network {
 public:
  Network(engine::StateStore& store, NetworkConfig config = {});
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  /// Records the payment `edge` between the two parties and fills `out` with what `use`
  /// asks for. A redelivered edge (already in the window) changes nothing and detects
  /// nothing. Errors: store I/O.
  Result<void> observe(const PartyView& originator, const PartyView& beneficiary,
                       const FlowEdge& edge, NetworkUse use, NetworkFacts* out);
  /// Marks an account in an exposure category ("sanctions", or a rule flag's id).
  Result<void> flag(std::string_view account, std::string_view category, int64_t time_ms,
                    std::string_view reason);

  void collect_dirty(engine::StateBatch* batch);
  void evict();

 private:
  Result<void> observe_party(const PartyView& party, bool with_device, ClusterView* out);
  Result<void> best_exposures(const PartyView& party, const char* role, int64_t at_ms,
                              NetworkFacts* out);

  /// Profiles seen lately, direct-mapped by account: hash(account, name, identifiers).
  /// A party paying again with the same details needs no identifier lookups. Fixed size
  /// (8 MB); a collision only costs a redundant observe().
  std::vector<uint64_t> seen_profiles_;
  EntityResolver entities_;
  FlowGraph flows_;
  PatternDetector patterns_;
  ExposureTracker exposure_;
};

}  // namespace nexus::graph
