#include "engine/graph/pattern_detector.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace nexus::graph {

namespace {

struct Span {
  size_t first = 0;
  size_t last = 0;
};

/// Entries with time in (after, until]; lists are sorted by time.
Span span(const std::vector<FlowEntry>& entries, int64_t after, int64_t until) {
  auto by_time = [](int64_t time, const FlowEntry& entry) { return time < entry.time_ms; };
  Span out;
  out.first = static_cast<size_t>(std::upper_bound(entries.begin(), entries.end(), after, by_time) -
                                  entries.begin());
  out.last = static_cast<size_t>(std::upper_bound(entries.begin(), entries.end(), until, by_time) -
                                 entries.begin());
  out.first = std::min(out.first, out.last);
  return out;
}

FlowEdge outgoing_edge(const std::string& account, const FlowEntry& entry) {
  return FlowEdge{account, entry.peer, entry.amount, entry.time_ms, entry.tx_id};
}

FlowEdge incoming_edge(const std::string& account, const FlowEntry& entry) {
  return FlowEdge{entry.peer, account, entry.amount, entry.time_ms, entry.tx_id};
}

void sort_unique(std::vector<std::string_view>* values) {
  std::sort(values->begin(), values->end());
  values->erase(std::unique(values->begin(), values->end()), values->end());
}

}  // namespace

std::string_view pattern_name(Pattern pattern) {
  switch (pattern) {
    case Pattern::kFanOut:
      return "fan_out";
    case Pattern::kFanIn:
      return "fan_in";
    case Pattern::kCycle:
      return "cycle";
    case Pattern::kScatterGather:
      return "scatter_gather";
    case Pattern::kGatherScatter:
      return "gather_scatter";
    case Pattern::kPassThrough:
      return "pass_through";
  }
  return "unknown";
}

PatternDetector::PatternDetector(FlowGraph& graph, PatternConfig config)
    : graph_(graph), config_(config) {
  const int64_t window = graph_.config().window_ms;
  config_.fan_window_ms = std::min(config_.fan_window_ms, window);
  config_.cycle_window_ms = std::min(config_.cycle_window_ms, window);
  config_.scatter_window_ms = std::min(config_.scatter_window_ms, window);
  config_.cycle_min_hops = std::max<size_t>(config_.cycle_min_hops, 2);
  config_.max_evidence_edges =
      std::max({config_.max_evidence_edges, config_.cycle_max_hops, config_.pass_through_max_hops});
}

Result<void> PatternDetector::on_edge(const FlowEdge& edge, std::vector<Detection>* out) {
  if (enabled(Pattern::kFanOut)) {
    NEXUS_TRY(fan(edge, true, out));
  }
  if (enabled(Pattern::kFanIn)) {
    NEXUS_TRY(fan(edge, false, out));
  }
  if (enabled(Pattern::kCycle)) {
    NEXUS_TRY(cycle(edge, out));
  }
  if (enabled(Pattern::kScatterGather)) {
    NEXUS_TRY(scatter_gather(edge, out));
  }
  if (enabled(Pattern::kGatherScatter)) {
    NEXUS_TRY(gather_scatter(edge, out));
  }
  if (enabled(Pattern::kPassThrough)) {
    NEXUS_TRY(pass_through(edge, out));
  }
  return outcome::success();
}

Result<void> PatternDetector::fan(const FlowEdge& edge, bool outgoing,
                                  std::vector<Detection>* out) {
  const std::string& subject = outgoing ? edge.from : edge.to;
  const std::string& other = outgoing ? edge.to : edge.from;
  NEXUS_TRY(node, graph_.node(subject));
  if (node == nullptr) return outcome::success();
  const auto& entries = outgoing ? node->out : node->in;
  const int64_t after = std::max(edge.time_ms - config_.fan_window_ms, graph_.horizon());
  const Span range = span(entries, after, edge.time_ms);
  std::vector<std::string_view> peers;
  bool seen_before = false;
  double total = 0;
  for (size_t i = range.first; i < range.last; ++i) {
    peers.push_back(entries[i].peer);
    total += entries[i].amount;
    if (entries[i].peer == other && entries[i].tx_id != edge.tx_id) seen_before = true;
  }
  sort_unique(&peers);
  const size_t threshold = outgoing ? config_.fan_out_min_receivers : config_.fan_in_min_senders;
  // Fires on the crossing only: this edge brought a new counterparty and made the count.
  if (seen_before || peers.size() != threshold) return outcome::success();
  Detection detection;
  detection.pattern = outgoing ? Pattern::kFanOut : Pattern::kFanIn;
  detection.subject = subject;
  detection.time_ms = edge.time_ms;
  detection.trigger_tx = edge.tx_id;
  detection.facts = {
      {outgoing ? "distinct_receivers" : "distinct_senders", static_cast<double>(peers.size())},
      {"edges", static_cast<double>(range.last - range.first)},
      {"amount_sum", total},
      {"window_ms", static_cast<double>(config_.fan_window_ms)}};
  std::vector<FlowEdge> edges;
  for (size_t i = range.first; i < range.last; ++i) {
    edges.push_back(outgoing ? outgoing_edge(subject, entries[i])
                             : incoming_edge(subject, entries[i]));
  }
  detection.subgraph =
      Subgraph::from_edges(std::move(edges), config_.max_evidence_edges, {subject});
  out->push_back(std::move(detection));
  return outcome::success();
}

Result<void> PatternDetector::cycle(const FlowEdge& edge, std::vector<Detection>* out) {
  // Breadth-first, backwards from the sender over incoming edges whose times do not
  // exceed the edge they lead into: the shortest time-respecting path from the
  // receiver back to the sender closes the cycle.
  struct Step {
    std::string account;
    int64_t bound;  // the path's edges into `account` must be at or before this time
    int parent;
    FlowEdge via;  // account -> the parent's account
    size_t hops;   // edges so far, the trigger included
  };
  const int64_t after = std::max(edge.time_ms - config_.cycle_window_ms, graph_.horizon());
  std::vector<Step> steps;
  steps.push_back(Step{edge.from, edge.time_ms, -1, FlowEdge{}, 1});
  std::unordered_map<std::string, int64_t> best_bound;  // lookups only, never iterated
  size_t visits = 0;
  int found_step = -1;
  FlowEdge closing;
  auto on_path = [&](int step, const std::string& account) {
    for (; step >= 0; step = steps[static_cast<size_t>(step)].parent) {
      if (steps[static_cast<size_t>(step)].account == account) return true;
    }
    return false;
  };
  for (size_t i = 0; i < steps.size() && found_step < 0 && visits < config_.max_visits; ++i) {
    const std::string account = steps[i].account;  // copies: steps grows below
    const int64_t bound = steps[i].bound;
    const size_t hops = steps[i].hops + 1;
    NEXUS_TRY(node, graph_.node(account));
    if (node == nullptr) continue;
    const Span range = span(node->in, after, bound);
    size_t followed = 0;
    for (size_t k = range.last; k > range.first && followed < config_.max_branching; --k) {
      const FlowEntry& entry = node->in[k - 1];
      if (entry.tx_id == edge.tx_id) continue;
      if (++visits > config_.max_visits) break;
      ++followed;
      if (entry.peer == edge.to) {
        if (hops >= config_.cycle_min_hops) {
          found_step = static_cast<int>(i);
          closing = incoming_edge(account, entry);
          break;
        }
        continue;
      }
      if (hops >= config_.cycle_max_hops || on_path(static_cast<int>(i), entry.peer)) continue;
      // Expanding an account again only helps with a later bound (more edges allowed).
      auto [seen, inserted] = best_bound.try_emplace(entry.peer, entry.time_ms);
      if (!inserted) {
        if (seen->second >= entry.time_ms || !config_.require_time_order) continue;
        seen->second = entry.time_ms;
      }
      const int64_t next_bound = config_.require_time_order ? entry.time_ms : edge.time_ms;
      steps.push_back(
          Step{entry.peer, next_bound, static_cast<int>(i), incoming_edge(account, entry), hops});
    }
  }
  if (found_step < 0) return outcome::success();
  std::vector<FlowEdge> path{closing};
  for (int step = found_step; step > 0; step = steps[static_cast<size_t>(step)].parent) {
    path.push_back(steps[static_cast<size_t>(step)].via);
  }
  path.push_back(edge);
  double low = path.front().amount, high = low;
  for (const auto& hop : path) {
    low = std::min(low, hop.amount);
    high = std::max(high, hop.amount);
  }
  Detection detection;
  detection.pattern = Pattern::kCycle;
  detection.subject = edge.to;
  detection.time_ms = edge.time_ms;
  detection.trigger_tx = edge.tx_id;
  detection.facts = {{"hops", static_cast<double>(path.size())},
                     {"duration_ms", static_cast<double>(edge.time_ms - closing.time_ms)},
                     {"amount_min", low},
                     {"amount_max", high}};
  detection.subgraph = Subgraph::from_edges(std::move(path), config_.max_evidence_edges);
  out->push_back(std::move(detection));
  return outcome::success();
}

Result<void> PatternDetector::scatter_gather(const FlowEdge& edge, std::vector<Detection>* out) {
  // The edge closes the pattern as intermediate -> sink (its sources: who paid the
  // intermediate), or, when time order is not required, as source -> intermediate
  // (its sinks: whom the intermediate paid).
  const int64_t after = std::max(edge.time_ms - config_.scatter_window_ms, graph_.horizon());
  std::vector<std::pair<std::string, std::string>> pairs;  // (source, sink), in search order
  auto collect = [&](const std::vector<FlowEntry>& entries, bool as_sources) {
    const Span range = span(entries, after, edge.time_ms);
    std::vector<std::string> seen;
    for (size_t k = range.last; k > range.first && seen.size() < config_.max_branching; --k) {
      const std::string& peer = entries[k - 1].peer;
      if (entries[k - 1].tx_id == edge.tx_id) continue;
      if (peer == (as_sources ? edge.to : edge.from)) continue;
      if (std::find(seen.begin(), seen.end(), peer) != seen.end()) continue;
      seen.push_back(peer);
      pairs.emplace_back(as_sources ? peer : edge.from, as_sources ? edge.to : peer);
    }
  };
  // `receiver` is the sink in the gather reading and the intermediate in the scatter one.
  NEXUS_TRY(receiver, graph_.node(edge.to));
  NEXUS_TRY(sender, graph_.node(edge.from));
  if (receiver == nullptr || sender == nullptr) return outcome::success();
  // Cheap precheck for the gather reading: the sink needs enough incoming edges.
  const Span into_sink = span(receiver->in, after, edge.time_ms);
  if (into_sink.last - into_sink.first >= config_.scatter_gather_min_intermediates) {
    collect(sender->in, true);
  }
  if (!config_.require_time_order) collect(receiver->out, false);
  size_t visits = 0;
  for (const auto& [source, sink] : pairs) {
    NEXUS_TRY(fired, scatter_gather_pair(edge, source, sink, &visits, out));
    if (fired || visits > config_.max_visits) break;
  }
  return outcome::success();
}

Result<bool> PatternDetector::scatter_gather_pair(const FlowEdge& edge, const std::string& source,
                                                  const std::string& sink, size_t* visits,
                                                  std::vector<Detection>* out) {
  const int64_t after = std::max(edge.time_ms - config_.scatter_window_ms, graph_.horizon());
  NEXUS_TRY(sink_node, graph_.node(sink));
  NEXUS_TRY(source_node, graph_.node(source));
  if (sink_node == nullptr || source_node == nullptr) return false;
  const Span into_sink = span(sink_node->in, after, edge.time_ms);
  const Span from_source = span(source_node->out, after, edge.time_ms);
  *visits += (into_sink.last - into_sink.first) + (from_source.last - from_source.first);
  const bool ordered = config_.require_time_order;
  // The intermediates: accounts the source paid that then (or, unordered, ever in the
  // window) paid the sink; with or without the triggering edge, to see the crossing.
  auto intermediates = [&](bool with_trigger) {
    std::vector<std::pair<std::string_view, int64_t>> latest;  // sender -> last time it paid
    for (size_t i = into_sink.first; i < into_sink.last; ++i) {
      const FlowEntry& entry = sink_node->in[i];
      if (!with_trigger && entry.tx_id == edge.tx_id) continue;
      latest.emplace_back(entry.peer, entry.time_ms);
    }
    std::sort(latest.begin(), latest.end());
    std::vector<std::string_view> found;
    for (size_t i = from_source.first; i < from_source.last; ++i) {
      const FlowEntry& entry = source_node->out[i];
      if (entry.peer == sink || (!with_trigger && entry.tx_id == edge.tx_id)) continue;
      auto last =
          std::upper_bound(latest.begin(), latest.end(), std::string_view(entry.peer),
                           [](std::string_view key, const auto& item) { return key < item.first; });
      if (last == latest.begin() || (last - 1)->first != entry.peer) continue;
      if (ordered && entry.time_ms > (last - 1)->second) continue;
      found.push_back(entry.peer);
    }
    sort_unique(&found);
    return found;
  };
  const size_t threshold = config_.scatter_gather_min_intermediates;
  const auto with = intermediates(true);
  if (with.size() < threshold || intermediates(false).size() >= threshold) return false;

  Detection detection;
  detection.pattern = Pattern::kScatterGather;
  detection.subject = sink;
  detection.counterpart = source;
  detection.time_ms = edge.time_ms;
  detection.trigger_tx = edge.tx_id;
  auto is_intermediate = [&](const std::string& account) {
    return std::binary_search(with.begin(), with.end(), std::string_view(account));
  };
  std::vector<FlowEdge> edges;
  double scattered = 0, gathered = 0;
  for (size_t i = from_source.first; i < from_source.last; ++i) {
    const FlowEntry& entry = source_node->out[i];
    if (!is_intermediate(entry.peer)) continue;
    scattered += entry.amount;
    edges.push_back(outgoing_edge(source, entry));
  }
  for (size_t i = into_sink.first; i < into_sink.last; ++i) {
    const FlowEntry& entry = sink_node->in[i];
    if (!is_intermediate(entry.peer)) continue;
    gathered += entry.amount;
    edges.push_back(incoming_edge(sink, entry));
  }
  detection.facts = {{"intermediates", static_cast<double>(with.size())},
                     {"amount_scattered", scattered},
                     {"amount_gathered", gathered}};
  detection.subgraph = Subgraph::from_edges(std::move(edges), config_.max_evidence_edges);
  out->push_back(std::move(detection));
  return true;
}

Result<void> PatternDetector::gather_scatter(const FlowEdge& edge, std::vector<Detection>* out) {
  // The edge can complete the pattern at either end: as the hub's payment out (its
  // Rth receiver) or as a payment into the hub (its Sth sender).
  NEXUS_TRY(fired, gather_scatter_hub(edge, edge.from, out));
  if (!fired) {
    NEXUS_TRY(gather_scatter_hub(edge, edge.to, out));
  }
  return outcome::success();
}

Result<bool> PatternDetector::gather_scatter_hub(const FlowEdge& edge, const std::string& hub,
                                                 std::vector<Detection>* out) {
  const int64_t after = std::max(edge.time_ms - config_.scatter_window_ms, graph_.horizon());
  NEXUS_TRY(node, graph_.node(hub));
  if (node == nullptr) return false;
  const Span inbound = span(node->in, after, edge.time_ms);
  const Span outbound_all = span(node->out, after, edge.time_ms);
  if (inbound.last - inbound.first < config_.gather_scatter_min_senders ||
      outbound_all.last - outbound_all.first < config_.gather_scatter_min_receivers) {
    return false;
  }
  // Whether the pattern holds, with or without the triggering edge. In time order, only
  // payments out after the gathering began count as its scattering.
  struct Counts {
    size_t senders = 0, receivers = 0;
    int64_t gather_start = 0;
  };
  auto count = [&](bool with_trigger) {
    Counts counts;
    std::vector<std::string_view> peers;
    bool first = true;
    for (size_t i = inbound.first; i < inbound.last; ++i) {
      if (!with_trigger && node->in[i].tx_id == edge.tx_id) continue;
      if (first) counts.gather_start = node->in[i].time_ms;
      first = false;
      peers.push_back(node->in[i].peer);
    }
    sort_unique(&peers);
    counts.senders = peers.size();
    peers.clear();
    for (size_t i = outbound_all.first; i < outbound_all.last; ++i) {
      const FlowEntry& entry = node->out[i];
      if (!with_trigger && entry.tx_id == edge.tx_id) continue;
      if (config_.require_time_order && (first || entry.time_ms < counts.gather_start)) continue;
      peers.push_back(entry.peer);
    }
    sort_unique(&peers);
    counts.receivers = peers.size();
    return counts;
  };
  auto holds = [&](const Counts& counts) {
    return counts.senders >= config_.gather_scatter_min_senders &&
           counts.receivers >= config_.gather_scatter_min_receivers;
  };
  const Counts with = count(true);
  if (!holds(with) || holds(count(false))) return false;

  Detection detection;
  detection.pattern = Pattern::kGatherScatter;
  detection.subject = hub;
  detection.time_ms = edge.time_ms;
  detection.trigger_tx = edge.tx_id;
  std::vector<FlowEdge> edges;
  double gathered = 0, scattered = 0;
  for (size_t i = inbound.first; i < inbound.last; ++i) {
    gathered += node->in[i].amount;
    edges.push_back(incoming_edge(hub, node->in[i]));
  }
  for (size_t i = outbound_all.first; i < outbound_all.last; ++i) {
    if (config_.require_time_order && node->out[i].time_ms < with.gather_start) continue;
    scattered += node->out[i].amount;
    edges.push_back(outgoing_edge(hub, node->out[i]));
  }
  detection.facts = {{"distinct_senders", static_cast<double>(with.senders)},
                     {"distinct_receivers", static_cast<double>(with.receivers)},
                     {"amount_gathered", gathered},
                     {"amount_scattered", scattered}};
  detection.subgraph = Subgraph::from_edges(std::move(edges), config_.max_evidence_edges, {hub});
  out->push_back(std::move(detection));
  return true;
}

namespace {

/// Depth-first search backwards for the longest pass-through chain ending in a given edge.
struct ChainSearch {
  FlowGraph& graph;
  const PatternConfig& config;
  std::vector<FlowEdge> path;  // newest first
  std::vector<std::string> accounts;
  std::vector<FlowEdge> best;
  size_t visits = 0;

  Result<void> extend(const std::string& account, double passed_on, int64_t passed_at) {
    if (path.size() > best.size()) best = path;
    if (path.size() >= config.pass_through_max_hops) return outcome::success();
    NEXUS_TRY(node, graph.node(account));
    if (node == nullptr) return outcome::success();
    const int64_t after =
        std::max(passed_at - config.pass_through_max_dwell_ms - 1, graph.horizon());
    const Span range = span(node->in, after, passed_at);
    size_t followed = 0;
    for (size_t k = range.last; k > range.first && followed < config.max_branching; --k) {
      if (visits >= config.max_visits) return outcome::success();
      ++visits;
      const FlowEntry& entry = node->in[k - 1];
      const double ratio = passed_on / entry.amount;
      if (ratio < config.pass_through_min_ratio || ratio > config.pass_through_max_ratio) continue;
      if (std::find(accounts.begin(), accounts.end(), entry.peer) != accounts.end()) continue;
      ++followed;
      path.push_back(incoming_edge(account, entry));
      accounts.push_back(entry.peer);
      const std::string peer = entry.peer;
      NEXUS_TRY(extend(peer, path.back().amount, path.back().time_ms));
      path.pop_back();
      accounts.pop_back();
    }
    return outcome::success();
  }
};

}  // namespace

Result<void> PatternDetector::pass_through(const FlowEdge& edge, std::vector<Detection>* out) {
  ChainSearch search{graph_, config_, {edge}, {edge.to, edge.from}, {}, 0};
  NEXUS_TRY(search.extend(edge.from, edge.amount, edge.time_ms));
  if (search.best.size() < config_.pass_through_min_hops) return outcome::success();
  const FlowEdge& first = search.best.back();
  Detection detection;
  detection.pattern = Pattern::kPassThrough;
  detection.subject = edge.to;
  detection.counterpart = first.from;
  detection.time_ms = edge.time_ms;
  detection.trigger_tx = edge.tx_id;
  detection.facts = {{"hops", static_cast<double>(search.best.size())},
                     {"duration_ms", static_cast<double>(edge.time_ms - first.time_ms)},
                     {"amount_first", first.amount},
                     {"amount_last", edge.amount},
                     {"retention", edge.amount / first.amount}};
  detection.subgraph = Subgraph::from_edges(std::move(search.best), config_.max_evidence_edges);
  out->push_back(std::move(detection));
  return outcome::success();
}

}  // namespace nexus::graph
