#include "engine/graph/exposure_tracker.hpp"

#include "engine/graph/detail/codec.hpp"
#include "engine/graph/detail/state_cache.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <tuple>

namespace nexus::graph {

namespace {

constexpr uint8_t kFormatVersion = 1;
constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

struct AccountExposure {
  std::vector<Flag> flags;        // sorted by category
  std::vector<Exposure> entries;  // sorted by (category, direction)

  std::string serialize() const {
    std::string bytes;
    detail::Writer writer(&bytes);
    writer.u8(kFormatVersion);
    writer.u32(static_cast<uint32_t>(flags.size()));
    for (const auto& flag : flags) {
      writer.str(flag.category);
      writer.i64(flag.time_ms);
      writer.str(flag.reason);
    }
    writer.u32(static_cast<uint32_t>(entries.size()));
    for (const auto& entry : entries) {
      writer.str(entry.category);
      writer.u8(entry.direction == ExposureDirection::kReceived ? 0 : 1);
      writer.f64(entry.score);
      writer.i64(entry.time_ms);
      writer.u32(static_cast<uint32_t>(entry.hops));
      writer.str(entry.source);
      writer.u32(static_cast<uint32_t>(entry.path.size()));
      for (const auto& edge : entry.path) {
        writer.str(edge.from);
        writer.str(edge.to);
        writer.f64(edge.amount);
        writer.i64(edge.time_ms);
        writer.str(edge.tx_id);
      }
    }
    return bytes;
  }

  static bool deserialize(std::string_view bytes, AccountExposure* out) {
    detail::Reader reader(bytes);
    uint8_t version = 0;
    uint32_t count = 0;
    if (!reader.u8(&version) || version != kFormatVersion || !reader.u32(&count)) return false;
    out->flags.resize(count);
    for (auto& flag : out->flags) {
      if (!reader.str(&flag.category) || !reader.i64(&flag.time_ms) || !reader.str(&flag.reason)) {
        return false;
      }
    }
    if (!reader.u32(&count)) return false;
    out->entries.resize(count);
    for (auto& entry : out->entries) {
      uint8_t direction = 0;
      uint32_t hops = 0, edges = 0;
      if (!reader.str(&entry.category) || !reader.u8(&direction) || !reader.f64(&entry.score) ||
          !reader.i64(&entry.time_ms) || !reader.u32(&hops) || !reader.str(&entry.source) ||
          !reader.u32(&edges)) {
        return false;
      }
      entry.direction = direction == 0 ? ExposureDirection::kReceived : ExposureDirection::kSent;
      entry.hops = hops;
      entry.path.resize(edges);
      for (auto& edge : entry.path) {
        if (!reader.str(&edge.from) || !reader.str(&edge.to) || !reader.f64(&edge.amount) ||
            !reader.i64(&edge.time_ms) || !reader.str(&edge.tx_id)) {
          return false;
        }
      }
    }
    return reader.done();
  }

  const Flag* flag_for(std::string_view category) const {
    for (const auto& flag : flags) {
      if (flag.category == category) return &flag;
    }
    return nullptr;
  }
};

}  // namespace

std::string_view exposure_direction_name(ExposureDirection direction) {
  return direction == ExposureDirection::kReceived ? "received" : "sent";
}

struct ExposureTracker::Impl {
  using Slot = detail::StateCache<AccountExposure>::Slot;

  /// One account reached by a propagation, to be expanded further.
  struct Frontier {
    std::string account;
    double score;
    int64_t time_ms;             // kNoTime at the flagged account: any live edge may follow
    std::vector<FlowEdge> path;  // money-flow order
  };

  Impl(engine::StateStore& store, FlowGraph& graph_in, ExposureConfig cfg)
      : graph(graph_in), config(cfg), accounts(store, "g/x/", cfg.max_cached_accounts) {
    config.share_window_ms = std::min(config.share_window_ms, graph.config().window_ms);
  }

  double decay(double score, int64_t from_ms, int64_t to_ms) const {
    if (from_ms == kNoTime || to_ms == kNoTime || config.half_life_ms <= 0) return score;
    const double gap = static_cast<double>(to_ms > from_ms ? to_ms - from_ms : from_ms - to_ms);
    return score * std::exp2(-gap / static_cast<double>(config.half_life_ms));
  }

  /// The edge's share of what the account on the far side took in (received) or paid
  /// out (sent) over the share window ending at the edge.
  Result<double> share(const FlowEdge& edge, ExposureDirection direction) {
    const std::string& account = direction == ExposureDirection::kReceived ? edge.to : edge.from;
    NEXUS_TRY(node, graph.node(account));
    if (node == nullptr) return 1.0;
    const auto& entries = direction == ExposureDirection::kReceived ? node->in : node->out;
    const int64_t after = std::max(edge.time_ms - config.share_window_ms, graph.horizon());
    double total = 0;
    for (const auto& entry : entries) {
      if (entry.time_ms > after && entry.time_ms <= edge.time_ms) total += entry.amount;
    }
    return total > 0 ? std::min(1.0, edge.amount / total) : 1.0;
  }

  /// Whether `candidate` beats `current` (same category and direction).
  bool better(const Exposure& candidate, const Exposure& current) const {
    const int64_t at = std::max(candidate.time_ms, current.time_ms);
    const double a = decay(candidate.score, candidate.time_ms, at);
    const double b = decay(current.score, current.time_ms, at);
    if (a != b) return a > b;
    if (candidate.hops != current.hops) return candidate.hops < current.hops;
    if (candidate.source != current.source) return candidate.source < current.source;
    auto ids = [](const Exposure& exposure) {
      std::vector<std::string_view> out;
      for (const auto& edge : exposure.path) out.push_back(edge.tx_id);
      return out;
    };
    return ids(candidate) < ids(current);
  }

  /// Offers `candidate` to `account`; true when it became the account's best.
  Result<bool> offer(const std::string& account, const Exposure& candidate) {
    if (account == candidate.source) return false;
    NEXUS_TRY(slot, accounts.get(account));
    AccountExposure& record = slot->value;
    if (record.flag_for(candidate.category) != nullptr) return false;  // already scores 1
    auto at = std::lower_bound(record.entries.begin(), record.entries.end(), candidate,
                               [](const Exposure& a, const Exposure& b) {
                                 return std::tie(a.category, a.direction) <
                                        std::tie(b.category, b.direction);
                               });
    if (at != record.entries.end() && at->category == candidate.category &&
        at->direction == candidate.direction) {
      if (!better(candidate, *at)) return false;
      *at = candidate;
    } else {
      record.entries.insert(at, candidate);
    }
    accounts.put(slot);
    return true;
  }

  /// One hop from `item` (an account reached with a score) over `edge`: offers the
  /// result to the account at the far end; returns it to expand further when it
  /// became that account's best.
  Result<std::optional<Frontier>> step(const std::string& category, ExposureDirection direction,
                                       const std::string& source, const Frontier& item,
                                       const FlowEdge& edge) {
    const bool forward = direction == ExposureDirection::kReceived;
    const std::string& peer = forward ? edge.to : edge.from;
    if (peer == source || item.path.size() >= config.max_hops) return std::optional<Frontier>();
    for (const auto& hop : item.path) {
      if (hop.from == peer || hop.to == peer) return std::optional<Frontier>();
    }
    NEXUS_TRY(part, share(edge, direction));
    const double score = decay(item.score, item.time_ms, edge.time_ms) * config.hop_decay * part;
    if (score < config.min_score) return std::optional<Frontier>();
    Exposure candidate;
    candidate.category = category;
    candidate.direction = direction;
    candidate.score = score;
    candidate.time_ms = edge.time_ms;
    candidate.hops = item.path.size() + 1;
    candidate.source = source;
    candidate.path = item.path;
    if (forward) {
      candidate.path.push_back(edge);
    } else {
      candidate.path.insert(candidate.path.begin(), edge);
    }
    NEXUS_TRY(improved, offer(peer, candidate));
    if (!improved) return std::optional<Frontier>();
    return std::optional<Frontier>(Frontier{peer, score, edge.time_ms, std::move(candidate.path)});
  }

  /// Breadth-first from the queued accounts along money flow (received: outgoing edges
  /// forward in time; sent: incoming edges backward in time), within the bounds.
  Result<void> propagate(const std::string& category, ExposureDirection direction,
                         const std::string& source, std::vector<Frontier> queue) {
    const bool forward = direction == ExposureDirection::kReceived;
    size_t visits = 0;
    for (size_t i = 0; i < queue.size() && visits < config.max_visits; ++i) {
      if (queue[i].path.size() >= config.max_hops) continue;
      const Frontier item = queue[i];  // copy: queue grows below
      NEXUS_TRY(node, graph.node(item.account));
      if (node == nullptr) continue;
      const auto& entries = forward ? node->out : node->in;
      std::vector<const FlowEntry*> picks;
      for (const auto& entry : entries) {
        if (!graph.live(entry.time_ms)) continue;
        if (item.time_ms != kNoTime &&
            (forward ? entry.time_ms < item.time_ms : entry.time_ms > item.time_ms)) {
          continue;
        }
        picks.push_back(&entry);
      }
      // Largest amounts first; ties by time, then tx id.
      auto order = [](const FlowEntry* a, const FlowEntry* b) {
        return std::tie(b->amount, a->time_ms, a->tx_id) <
               std::tie(a->amount, b->time_ms, b->tx_id);
      };
      if (picks.size() > config.max_fanout) {
        std::partial_sort(picks.begin(), picks.begin() + static_cast<long>(config.max_fanout),
                          picks.end(), order);
        picks.resize(config.max_fanout);
      } else {
        std::sort(picks.begin(), picks.end(), order);
      }
      for (const FlowEntry* entry : picks) {
        if (++visits > config.max_visits) break;
        const FlowEdge edge =
            forward
                ? FlowEdge{item.account, entry->peer, entry->amount, entry->time_ms, entry->tx_id}
                : FlowEdge{entry->peer, item.account, entry->amount, entry->time_ms, entry->tx_id};
        NEXUS_TRY(next, step(category, direction, source, item, edge));
        if (next) queue.push_back(std::move(*next));
      }
    }
    return outcome::success();
  }

  /// One hop over a new edge, then onwards from where it lands.
  Result<void> hop_then_propagate(const std::string& category, ExposureDirection direction,
                                  const std::string& source, const Frontier& item,
                                  const FlowEdge& edge) {
    NEXUS_TRY(next, step(category, direction, source, item, edge));
    if (!next) return outcome::success();
    std::vector<Frontier> queue;
    queue.push_back(std::move(*next));
    return propagate(category, direction, source, std::move(queue));
  }

  FlowGraph& graph;
  ExposureConfig config;
  detail::StateCache<AccountExposure> accounts;
};

ExposureTracker::ExposureTracker(engine::StateStore& store, FlowGraph& graph, ExposureConfig config)
    : impl_(std::make_unique<Impl>(store, graph, config)) {}

ExposureTracker::~ExposureTracker() = default;

Result<void> ExposureTracker::flag(std::string_view account, std::string_view category,
                                   int64_t time_ms, std::string_view reason) {
  NEXUS_TRY(slot, impl_->accounts.get(account));
  AccountExposure& record = slot->value;
  if (record.flag_for(category) != nullptr) return outcome::success();
  Flag flag{std::string(category), time_ms, std::string(reason)};
  auto at = std::lower_bound(record.flags.begin(), record.flags.end(), flag,
                             [](const Flag& a, const Flag& b) { return a.category < b.category; });
  record.flags.insert(at, flag);
  // A flagged account scores 1 in its category: its own exposures there are moot.
  std::erase_if(record.entries, [&](const Exposure& entry) { return entry.category == category; });
  impl_->accounts.put(slot);
  const std::string source(account);
  for (auto direction : {ExposureDirection::kReceived, ExposureDirection::kSent}) {
    NEXUS_TRY(impl_->propagate(flag.category, direction, source,
                               {Impl::Frontier{source, 1.0, kNoTime, {}}}));
  }
  return outcome::success();
}

Result<void> ExposureTracker::on_edge(const FlowEdge& edge) {
  // Downstream: what the sender holds (its flags, its received exposures from before
  // this edge) flows on to the receiver.
  NEXUS_TRY(sender, impl_->accounts.find(edge.from));
  NEXUS_TRY(receiver, impl_->accounts.find(edge.to));
  if (sender == nullptr && receiver == nullptr) return outcome::success();  // the common case
  // Copies: the offers below change records, maybe these.
  const AccountExposure from = sender ? *sender : AccountExposure{};
  const AccountExposure to = receiver ? *receiver : AccountExposure{};
  for (const auto& flag : from.flags) {
    NEXUS_TRY(impl_->hop_then_propagate(flag.category, ExposureDirection::kReceived, edge.from,
                                        Impl::Frontier{edge.from, 1.0, kNoTime, {}}, edge));
  }
  for (const auto& entry : from.entries) {
    if (entry.direction != ExposureDirection::kReceived || entry.time_ms > edge.time_ms ||
        from.flag_for(entry.category) != nullptr) {
      continue;
    }
    NEXUS_TRY(impl_->hop_then_propagate(
        entry.category, ExposureDirection::kReceived, entry.source,
        Impl::Frontier{edge.from, entry.score, entry.time_ms, entry.path}, edge));
  }
  // Upstream: a payment into a flagged account, or into one whose money later reached
  // one, exposes the payer.
  for (const auto& flag : to.flags) {
    NEXUS_TRY(impl_->hop_then_propagate(flag.category, ExposureDirection::kSent, edge.to,
                                        Impl::Frontier{edge.to, 1.0, kNoTime, {}}, edge));
  }
  for (const auto& entry : to.entries) {
    if (entry.direction != ExposureDirection::kSent || entry.time_ms < edge.time_ms ||
        to.flag_for(entry.category) != nullptr) {
      continue;
    }
    NEXUS_TRY(impl_->hop_then_propagate(
        entry.category, ExposureDirection::kSent, entry.source,
        Impl::Frontier{edge.to, entry.score, entry.time_ms, entry.path}, edge));
  }
  return outcome::success();
}

Result<std::vector<Exposure>> ExposureTracker::exposures(std::string_view account, int64_t at_ms) {
  NEXUS_TRY(record, impl_->accounts.find(account));
  if (record == nullptr) return std::vector<Exposure>();
  std::vector<Exposure> out = record->entries;
  for (auto& entry : out) {
    if (at_ms > entry.time_ms) entry.score = impl_->decay(entry.score, entry.time_ms, at_ms);
  }
  return out;
}

Result<std::vector<Flag>> ExposureTracker::flags(std::string_view account) {
  NEXUS_TRY(record, impl_->accounts.find(account));
  if (record == nullptr) return std::vector<Flag>();
  return record->flags;
}

Result<double> ExposureTracker::score(std::string_view account, std::string_view category,
                                      int64_t at_ms) {
  NEXUS_TRY(record, impl_->accounts.find(account));
  if (record == nullptr) return 0.0;
  if (record->flag_for(category) != nullptr) return 1.0;
  double best = 0;
  for (const auto& entry : record->entries) {
    if (entry.category != category) continue;
    const double now =
        at_ms > entry.time_ms ? impl_->decay(entry.score, entry.time_ms, at_ms) : entry.score;
    best = std::max(best, now);
  }
  return best;
}

void ExposureTracker::collect_dirty(engine::StateBatch* batch) {
  impl_->accounts.collect_dirty(batch);
}

void ExposureTracker::evict() { impl_->accounts.evict(); }

size_t ExposureTracker::cached_accounts() const { return impl_->accounts.cached(); }

}  // namespace nexus::graph
