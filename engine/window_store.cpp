#include "engine/window_store.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace nexus::engine {

namespace {

template <class T>
void put_raw(std::string* out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out->append(bytes, sizeof(T));
}

template <class T>
bool get_raw(std::string_view* in, T* value) {
  if (in->size() < sizeof(T)) return false;
  std::memcpy(value, in->data(), sizeof(T));
  in->remove_prefix(sizeof(T));
  return true;
}

constexpr uint8_t kFormatVersion = 1;

}  // namespace

std::string KeyWindow::serialize(int slot_count) const {
  std::string out;
  out.reserve(16 + times.size() * (24 + 8 * static_cast<size_t>(slot_count)));
  put_raw<uint8_t>(&out, kFormatVersion);
  put_raw<uint8_t>(&out, truncated ? 1 : 0);
  put_raw<uint16_t>(&out, static_cast<uint16_t>(slot_count));
  put_raw<uint32_t>(&out, static_cast<uint32_t>(times.size()));
  for (size_t i = 0; i < times.size(); ++i) {
    put_raw<int64_t>(&out, times[i]);
    put_raw<uint16_t>(&out, static_cast<uint16_t>(tx_ids[i].size()));
    out += tx_ids[i];
    for (int s = 0; s < slot_count; ++s) {
      put_raw<uint64_t>(&out, slots[i * static_cast<size_t>(slot_count) + static_cast<size_t>(s)]);
    }
  }
  return out;
}

bool KeyWindow::deserialize(std::string_view bytes, int slot_count, KeyWindow* out) {
  uint8_t version = 0, truncated = 0;
  uint16_t slots_stored = 0;
  uint32_t count = 0;
  if (!get_raw(&bytes, &version) || version != kFormatVersion || !get_raw(&bytes, &truncated) ||
      !get_raw(&bytes, &slots_stored) || slots_stored != slot_count || !get_raw(&bytes, &count)) {
    return false;
  }
  out->truncated = truncated != 0;
  out->times.reserve(count);
  out->tx_ids.reserve(count);
  out->slots.reserve(count * static_cast<size_t>(slot_count));
  for (uint32_t i = 0; i < count; ++i) {
    int64_t time = 0;
    uint16_t length = 0;
    if (!get_raw(&bytes, &time) || !get_raw(&bytes, &length) || bytes.size() < length) return false;
    out->times.push_back(time);
    out->tx_ids.emplace_back(bytes.substr(0, length));
    bytes.remove_prefix(length);
    for (int s = 0; s < slot_count; ++s) {
      uint64_t value = 0;
      if (!get_raw(&bytes, &value)) return false;
      out->slots.push_back(value);
    }
  }
  return bytes.empty();
}

WindowStore::WindowStore(StateStore& store, WindowStoreConfig config)
    : store_(store), config_(config) {
  auto any = store_.any_with_prefix("w/");
  only_in_cache_ = any && !any.value();
}

uint64_t WindowStore::hash_string(std::string_view text) {
  // FNV-1a: stable across runs and machines, which distinct counts rely on.
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string WindowStore::state_key(const rules::Aggregate& aggregate, std::string_view key) {
  // "w/<fingerprint>/<key>": the fingerprint hashes the aggregate's id and definition
  // (key, window, where, measures); a short prefix keeps RocksDB's key comparisons short.
  std::string out = "w/";
  out += aggregate.fingerprint;
  out.push_back('/');
  out += key;
  return out;
}

WindowStore::AggregateWindows& WindowStore::windows_for(const rules::Aggregate& aggregate) {
  for (const auto& [definition, windows] : resolved_) {
    // The fingerprint check guards against a reloaded rule set reusing an address.
    if (definition == &aggregate && windows->fingerprint == aggregate.fingerprint) return *windows;
  }
  const std::string prefix = state_key(aggregate, "");
  auto& slot = aggregates_[prefix];
  if (!slot) {
    slot = std::make_unique<AggregateWindows>();
    slot->prefix = prefix;
    slot->fingerprint = aggregate.fingerprint;
    slot->slot_count = aggregate.slot_count();
    slot->windows.reserve(std::min<size_t>(config_.max_cached_keys, 1 << 16));
  }
  std::erase_if(resolved_, [&](const auto& entry) { return entry.first == &aggregate; });
  resolved_.emplace_back(&aggregate, slot.get());
  return *slot;
}

void WindowStore::mark_dirty(AggregateWindows& owner, const std::string& key, KeyWindow* window) {
  if (window->dirty) return;
  window->dirty = true;
  dirty_.push_back(DirtyEntry{&owner, &key, window});
}

Result<WindowStore::Found> WindowStore::find(const rules::Aggregate& aggregate,
                                             std::string_view key) {
  AggregateWindows& owner = windows_for(aggregate);
  for (const Found& recent : recent_) {
    if (recent.owner == &owner && *recent.key == key) {
      recent.window->last_access = ++clock_;
      return recent;
    }
  }
  Found found;
  found.owner = &owner;
  auto hit = owner.windows.find(key);
  if (hit != owner.windows.end()) {
    hit->second->last_access = ++clock_;
    found.key = &hit->first;
    found.window = hit->second.get();
  } else {
    ++misses_;
    auto window = std::make_unique<KeyWindow>();
    std::string stored_key = owner.prefix;
    stored_key += key;
    std::optional<std::string> stored;
    if (!only_in_cache_) {
      NEXUS_TRY(read, store_.get(stored_key));
      stored = std::move(read);
    }
    bool reset = false;
    if (stored) {
      // A window that does not decode was written by another layout: start it afresh
      // rather than stop the stream (the aggregate's fingerprint normally prevents this).
      if (!KeyWindow::deserialize(*stored, owner.slot_count, window.get())) {
        *window = KeyWindow{};
        reset = true;
      }
      window->persisted = true;
    }
    window->last_access = ++clock_;
    found.window = window.get();
    auto inserted = owner.windows.emplace(std::string(key), std::move(window)).first;
    found.key = &inserted->first;
    ++cached_;
    if (reset) mark_dirty(owner, *found.key, found.window);
  }
  recent_[recent_next_] = found;
  recent_next_ = (recent_next_ + 1) % kRecent;
  return found;
}

Result<bool> WindowStore::add(const rules::Aggregate& aggregate, std::string_view key,
                              int64_t time_ms, std::string_view tx_id, const uint64_t* slot_values,
                              int64_t horizon_ms) {
  NEXUS_TRY(found, find(aggregate, key));
  KeyWindow* window = found.window;
  const size_t slot_count = static_cast<size_t>(aggregate.slot_count());
  // Expire from the front: events at or before the horizon can no longer be in any window.
  size_t expired = 0;
  while (expired < window->times.size() && window->times[expired] <= horizon_ms) ++expired;
  if (window->times.size() - expired >= config_.max_entries_per_key) {
    expired = window->times.size() - config_.max_entries_per_key + 1;
    window->truncated = true;
  }
  if (expired) {
    window->times.erase(window->times.begin(), window->times.begin() + static_cast<long>(expired));
    window->tx_ids.erase(window->tx_ids.begin(),
                         window->tx_ids.begin() + static_cast<long>(expired));
    window->slots.erase(window->slots.begin(),
                        window->slots.begin() + static_cast<long>(expired * slot_count));
  }
  // Keep event-time order; an out-of-order event goes after all events of equal time.
  const auto position = std::upper_bound(window->times.begin(), window->times.end(), time_ms);
  for (auto same = std::lower_bound(window->times.begin(), position, time_ms); same != position;
       ++same) {
    if (window->tx_ids[static_cast<size_t>(same - window->times.begin())] == tx_id) return false;
  }
  const size_t index = static_cast<size_t>(position - window->times.begin());
  window->times.insert(position, time_ms);
  window->tx_ids.insert(window->tx_ids.begin() + static_cast<long>(index), std::string(tx_id));
  window->slots.insert(window->slots.begin() + static_cast<long>(index * slot_count), slot_values,
                       slot_values + slot_count);
  mark_dirty(*found.owner, *found.key, window);
  return true;
}

Result<MeasureResult> WindowStore::measure(const rules::Aggregate& aggregate, int measure_index,
                                           std::string_view key, int64_t time_ms) {
  NEXUS_TRY(found, find(aggregate, key));
  KeyWindow* window = found.window;
  MeasureResult result;
  result.window = window;
  const int64_t start = time_ms - aggregate.window_ms;
  // (start, time_ms]
  result.first = static_cast<size_t>(
      std::upper_bound(window->times.begin(), window->times.end(), start) - window->times.begin());
  result.last =
      static_cast<size_t>(std::upper_bound(window->times.begin(), window->times.end(), time_ms) -
                          window->times.begin());
  const auto& measure = aggregate.measures[static_cast<size_t>(measure_index)];
  const size_t count = result.last - result.first;
  if (measure.kind == rules::Measure::Kind::kCount) {
    result.value = static_cast<double>(count);
    return result;
  }
  // Slot of this measure: measures other than count take one slot each, in order.
  size_t slot = 0;
  for (int i = 0; i < measure_index; ++i) {
    if (aggregate.measures[static_cast<size_t>(i)].kind != rules::Measure::Kind::kCount) ++slot;
  }
  const size_t stride = static_cast<size_t>(aggregate.slot_count());
  if (measure.kind == rules::Measure::Kind::kDistinct) {
    std::vector<uint64_t> hashes;
    hashes.reserve(count);
    for (size_t i = result.first; i < result.last; ++i) {
      const uint64_t hash = window->slots[i * stride + slot];
      if (hash != 0) hashes.push_back(hash);  // 0 marks an empty value: not counted
    }
    std::sort(hashes.begin(), hashes.end());
    result.value = static_cast<double>(std::unique(hashes.begin(), hashes.end()) - hashes.begin());
    return result;
  }
  double sum = 0, low = 0, high = 0;
  for (size_t i = result.first; i < result.last; ++i) {
    const double value = std::bit_cast<double>(window->slots[i * stride + slot]);
    if (i == result.first) low = high = value;
    sum += value;
    low = std::min(low, value);
    high = std::max(high, value);
  }
  switch (measure.kind) {
    case rules::Measure::Kind::kSum:
      // Sums of cent-rounded amounts: round so that 0.1 + 0.2 compares as 0.3.
      result.value = std::round(sum * 100.0) / 100.0;
      break;
    case rules::Measure::Kind::kMin:
      result.value = low;
      break;
    case rules::Measure::Kind::kMax:
      result.value = high;
      break;
    case rules::Measure::Kind::kAvg:
      result.value = count ? sum / static_cast<double>(count) : 0;
      break;
    default:
      break;
  }
  return result;
}

void WindowStore::collect_dirty(StateBatch* batch) {
  // Batch order does not matter to RocksDB (the keys are distinct), so no sort.
  for (const auto& entry : dirty_) {
    KeyWindow& window = *entry.window;
    std::string key = entry.owner->prefix;
    key += *entry.key;
    if (window.times.empty()) {
      if (window.persisted) batch->erase(std::move(key));
      window.persisted = false;
    } else {
      batch->put(std::move(key), window.serialize(entry.owner->slot_count));
      window.persisted = true;
    }
    window.dirty = false;
  }
  dirty_.clear();
}

void WindowStore::evict() {
  if (cached_ <= config_.max_cached_keys) return;
  recent_.fill(Found{});
  const size_t target = config_.max_cached_keys * 3 / 4;
  struct Candidate {
    uint64_t access;
    Windows* windows;
    const std::string* key;
  };
  std::vector<Candidate> clean;
  for (auto& [prefix, owner] : aggregates_) {
    for (const auto& [key, window] : owner->windows) {
      if (!window->dirty) clean.push_back({window->last_access, &owner->windows, &key});
    }
  }
  const size_t excess = cached_ - target;
  if (clean.size() > excess) {
    std::nth_element(clean.begin(), clean.begin() + static_cast<long>(excess), clean.end(),
                     [](const Candidate& a, const Candidate& b) { return a.access < b.access; });
    clean.resize(excess);
  }
  for (const auto& victim : clean) {
    const std::string key = *victim.key;  // copy: erasing frees the node that holds it
    victim.windows->erase(key);
    --cached_;
  }
  if (!clean.empty()) only_in_cache_ = false;
}

}  // namespace nexus::engine
