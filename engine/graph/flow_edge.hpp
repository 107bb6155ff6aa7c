// FlowEdge: one money movement between two accounts, the unit every graph
// structure consumes. A plain value, thread-compatible.
#pragma once

#include <cstdint>
#include <string>

namespace nexus::graph {

struct FlowEdge {
  std::string from;     // originator account
  std::string to;       // beneficiary account
  double amount = 0;    // in the reference currency (the engine's amount_usd)
  int64_t time_ms = 0;  // event time, ms since the Unix epoch
  std::string tx_id;

  friend bool operator==(const FlowEdge&, const FlowEdge&) = default;
};

}  // namespace nexus::graph
