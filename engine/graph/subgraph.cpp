#include "engine/graph/subgraph.hpp"

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace nexus::graph {

namespace {

void append_json_string(std::string* out, const std::string& text) {
  out->push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
          *out += escaped;
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

}  // namespace

Subgraph Subgraph::from_edges(std::vector<FlowEdge> edges, size_t max_edges,
                              const std::vector<std::string>& extra_nodes) {
  Subgraph out;
  std::sort(edges.begin(), edges.end(), [](const FlowEdge& a, const FlowEdge& b) {
    return std::tie(a.time_ms, a.tx_id, a.from, a.to) < std::tie(b.time_ms, b.tx_id, b.from, b.to);
  });
  edges.erase(std::unique(edges.begin(), edges.end(),
                          [](const FlowEdge& a, const FlowEdge& b) {
                            return a.tx_id == b.tx_id && a.from == b.from && a.to == b.to;
                          }),
              edges.end());
  if (edges.size() > max_edges) {
    edges.erase(edges.begin(), edges.end() - static_cast<long>(max_edges));
    out.truncated = true;
  }
  out.nodes = extra_nodes;
  for (const auto& edge : edges) {
    out.nodes.push_back(edge.from);
    out.nodes.push_back(edge.to);
  }
  std::sort(out.nodes.begin(), out.nodes.end());
  out.nodes.erase(std::unique(out.nodes.begin(), out.nodes.end()), out.nodes.end());
  out.edges = std::move(edges);
  return out;
}

std::string Subgraph::to_json() const {
  std::string out = "{\"nodes\":[";
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(&out, nodes[i]);
  }
  out += "],\"edges\":[";
  for (size_t i = 0; i < edges.size(); ++i) {
    const FlowEdge& edge = edges[i];
    if (i) out.push_back(',');
    out += "{\"from\":";
    append_json_string(&out, edge.from);
    out += ",\"to\":";
    append_json_string(&out, edge.to);
    char amount[64];
    // %.2f: amounts are cent-rounded reference-currency values; fixed text for replays.
    std::snprintf(amount, sizeof(amount), "%.2f", edge.amount);
    out += ",\"amount\":";
    out += amount;
    out += ",\"time_ms\":" + std::to_string(edge.time_ms) + ",\"tx_id\":";
    append_json_string(&out, edge.tx_id);
    out.push_back('}');
  }
  out += "],\"truncated\":";
  out += truncated ? "true" : "false";
  out.push_back('}');
  return out;
}

}  // namespace nexus::graph
