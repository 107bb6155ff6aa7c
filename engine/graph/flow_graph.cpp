#include "engine/graph/flow_graph.hpp"

#include "engine/graph/detail/codec.hpp"
#include "engine/graph/detail/state_cache.hpp"

#include <algorithm>
#include <cmath>

namespace nexus::graph {

namespace {

constexpr uint8_t kFormatVersion = 1;
constexpr char kWatermarkKey[] = "g/m/flow";

void put_entries(detail::Writer* writer, const std::vector<FlowEntry>& entries) {
  writer->u32(static_cast<uint32_t>(entries.size()));
  for (const auto& entry : entries) {
    writer->i64(entry.time_ms);
    writer->f64(entry.amount);
    writer->str(entry.peer);
    writer->str(entry.tx_id);
  }
}

bool get_entries(detail::Reader* reader, std::vector<FlowEntry>* entries) {
  uint32_t count = 0;
  if (!reader->u32(&count)) return false;
  entries->resize(count);
  for (auto& entry : *entries) {
    if (!reader->i64(&entry.time_ms) || !reader->f64(&entry.amount) || !reader->str(&entry.peer) ||
        !reader->str(&entry.tx_id)) {
      return false;
    }
  }
  return true;
}

/// Drops entries at or before `horizon`, then makes room for one more under `cap`.
/// Returns true when live entries had to go (the list is then truncated).
bool trim(std::vector<FlowEntry>* entries, int64_t horizon, size_t cap) {
  size_t expired = 0;
  while (expired < entries->size() && (*entries)[expired].time_ms <= horizon) ++expired;
  bool cut = false;
  if (entries->size() - expired >= cap) {
    expired = entries->size() - cap + 1;
    cut = true;
  }
  entries->erase(entries->begin(), entries->begin() + static_cast<long>(expired));
  return cut;
}

void insert_ordered(std::vector<FlowEntry>* entries, FlowEntry entry) {
  auto at = std::upper_bound(
      entries->begin(), entries->end(), entry.time_ms,
      [](int64_t time, const FlowEntry& existing) { return time < existing.time_ms; });
  entries->insert(at, std::move(entry));
}

}  // namespace

std::string NodeFlows::serialize() const {
  std::string bytes;
  bytes.reserve(16 + (out.size() + in.size()) * 48);
  detail::Writer writer(&bytes);
  writer.u8(kFormatVersion);
  writer.u8(static_cast<uint8_t>((out_truncated ? 1 : 0) | (in_truncated ? 2 : 0)));
  put_entries(&writer, out);
  put_entries(&writer, in);
  return bytes;
}

bool NodeFlows::deserialize(std::string_view bytes, NodeFlows* node) {
  detail::Reader reader(bytes);
  uint8_t version = 0, flags = 0;
  if (!reader.u8(&version) || version != kFormatVersion || !reader.u8(&flags) ||
      !get_entries(&reader, &node->out) || !get_entries(&reader, &node->in)) {
    return false;
  }
  node->out_truncated = flags & 1;
  node->in_truncated = flags & 2;
  return reader.done();
}

struct FlowGraph::Impl {
  Impl(engine::StateStore& store_in, size_t max_cached)
      : store(store_in), nodes(store_in, "g/f/", max_cached) {}
  engine::StateStore& store;
  detail::StateCache<NodeFlows> nodes;
};

FlowGraph::FlowGraph(engine::StateStore& store, FlowGraphConfig config)
    : impl_(std::make_unique<Impl>(store, config.max_cached_nodes)), config_(config) {
  auto stored = store.get(kWatermarkKey);
  if (stored && stored.value()) {
    detail::Reader reader(*stored.value());
    int64_t watermark = 0;
    if (reader.i64(&watermark) && reader.done()) watermark_ = watermark;
  }
}

FlowGraph::~FlowGraph() = default;

Result<AddStatus> FlowGraph::add(const FlowEdge& edge) {
  if (edge.from.empty() || edge.to.empty() || edge.tx_id.empty() || !std::isfinite(edge.amount) ||
      edge.amount <= 0) {
    return AddStatus::kInvalid;
  }
  if (edge.from == edge.to) return AddStatus::kSelfLoop;
  if (edge.time_ms <= horizon()) return AddStatus::kTooOld;
  NEXUS_TRY(from, impl_->nodes.get(edge.from));
  // A redelivered event carries the same tx id and time: it is in the sender's list.
  for (const auto& entry : from->value.out) {
    if (entry.time_ms == edge.time_ms && entry.tx_id == edge.tx_id) return AddStatus::kDuplicate;
  }
  if (edge.time_ms > watermark_) {
    watermark_ = edge.time_ms;
    watermark_dirty_ = true;
  }
  const int64_t limit = horizon();
  from->value.out_truncated |= trim(&from->value.out, limit, config_.max_edges_per_node);
  insert_ordered(&from->value.out, FlowEntry{edge.time_ms, edge.amount, edge.to, edge.tx_id});
  impl_->nodes.put(from);
  NEXUS_TRY(to, impl_->nodes.get(edge.to));
  to->value.in_truncated |= trim(&to->value.in, limit, config_.max_edges_per_node);
  insert_ordered(&to->value.in, FlowEntry{edge.time_ms, edge.amount, edge.from, edge.tx_id});
  impl_->nodes.put(to);
  return AddStatus::kAdded;
}

Result<const NodeFlows*> FlowGraph::node(std::string_view account) {
  ++lookups_;
  NEXUS_TRY(value, impl_->nodes.find(account));
  return static_cast<const NodeFlows*>(value);
}

void FlowGraph::collect_dirty(engine::StateBatch* batch) {
  impl_->nodes.collect_dirty(batch);
  if (watermark_dirty_) {
    std::string bytes;
    detail::Writer writer(&bytes);
    writer.i64(watermark_);
    batch->put(kWatermarkKey, std::move(bytes));
    watermark_dirty_ = false;
  }
}

void FlowGraph::evict() { impl_->nodes.evict(); }

size_t FlowGraph::cached_nodes() const { return impl_->nodes.cached(); }

uint64_t FlowGraph::cache_misses() const { return impl_->nodes.misses(); }

}  // namespace nexus::graph
