// StateCache<V>: the in-memory working set of one kind of graph record, read
// through to the StateStore on a miss and written back in the checkpoint batch,
// like engine/window_store.hpp does for windows. Keys are stored under
// `prefix` + key. V provides `std::string serialize() const` and
// `static bool deserialize(std::string_view, V*)`.
//
// A Slot pointer stays valid until the next evict() (unordered_map keeps
// element addresses across rehash); callers must not hold one across a
// checkpoint. Absent keys are cached too (present = false), so a repeated miss
// costs no second read. Single-threaded: the owner's thread only.
#pragma once

#include "engine/state_store.hpp"

#include "base/result.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace nexus::graph::detail {

template <class V>
class StateCache {
 public:
  struct Slot {
    V value{};
    const std::string* key = nullptr;  // the map's copy
    bool present = false;              // holds a value (else: known absent)
    bool dirty = false;                // changed since the last collect_dirty()
    bool persisted = false;            // the store holds a value for this key
    uint64_t last_access = 0;
  };

  /// Checks once (one seek) whether the store holds any record under `prefix`; while it
  /// holds none that is not also cached, a miss is known absent and costs no read.
  StateCache(engine::StateStore& store, std::string prefix, size_t max_cached)
      : store_(store), prefix_(std::move(prefix)), max_cached_(max_cached) {
    auto any = store_.any_with_prefix(prefix_);
    only_in_cache_ = any && !any.value();
  }

  /// The slot for `key`, loaded from the store on a cache miss. Errors: store I/O. A
  /// stored record that does not decode reads as absent and is overwritten at the next
  /// checkpoint (a record of another layout must not stop the stream).
  Result<Slot*> get(std::string_view key) {
    auto hit = slots_.find(key);
    if (hit != slots_.end()) {
      hit->second.last_access = ++clock_;
      return &hit->second;
    }
    ++misses_;
    Slot slot;
    if (!only_in_cache_) {
      std::string stored_key = prefix_;
      stored_key += key;
      NEXUS_TRY(stored, store_.get(stored_key));
      if (stored) {
        slot.persisted = true;
        slot.present = V::deserialize(*stored, &slot.value);
        if (!slot.present) slot.value = V{};
      }
    }
    slot.last_access = ++clock_;
    auto inserted = slots_.emplace(std::string(key), std::move(slot)).first;
    inserted->second.key = &inserted->first;
    return &inserted->second;
  }

  /// The value for `key`, nullptr when absent; for lookups that change nothing. Unlike
  /// get(), a key known absent without a read is not cached (a stream of new
  /// accounts does not fill the cache with empty slots).
  Result<V*> find(std::string_view key) {
    auto hit = slots_.find(key);
    if (hit != slots_.end()) {
      hit->second.last_access = ++clock_;
      return hit->second.present ? &hit->second.value : nullptr;
    }
    if (only_in_cache_) return static_cast<V*>(nullptr);
    NEXUS_TRY(slot, get(key));
    return slot->present ? &slot->value : nullptr;
  }

  /// Marks `slot` as holding a (changed) value, to be written at the next checkpoint.
  void put(Slot* slot) {
    slot->present = true;
    mark_dirty(slot);
  }
  /// Marks `slot` absent; the store's copy is deleted at the next checkpoint.
  void erase(Slot* slot) {
    slot->present = false;
    slot->value = V{};
    mark_dirty(slot);
  }

  /// Adds every changed record to `batch` (puts and deletes) and marks it clean.
  void collect_dirty(engine::StateBatch* batch) {
    // In key order: RocksDB's memtable inserts a sorted batch several times faster than
    // a random one (each insert starts its skip-list search where the previous ended).
    std::sort(dirty_.begin(), dirty_.end(),
              [](const Slot* a, const Slot* b) { return *a->key < *b->key; });
    for (Slot* slot : dirty_) {
      std::string key = prefix_;
      key += *slot->key;
      if (slot->present) {
        batch->put(std::move(key), slot->value.serialize());
        slot->persisted = true;
      } else if (slot->persisted) {
        batch->erase(std::move(key));
        slot->persisted = false;
      }
      slot->dirty = false;
    }
    dirty_.clear();
  }

  /// Drops clean slots, least recently used first, down to 3/4 of the cap once the
  /// cache holds more than the cap. Invalidates Slot pointers. Cost O(cached).
  void evict() {
    if (slots_.size() <= max_cached_) return;
    std::vector<std::pair<uint64_t, const std::string*>> clean;
    for (const auto& [key, slot] : slots_) {
      if (!slot.dirty) clean.emplace_back(slot.last_access, &key);
    }
    const size_t excess = slots_.size() - max_cached_ * 3 / 4;
    if (clean.size() > excess) {
      std::nth_element(clean.begin(), clean.begin() + static_cast<long>(excess), clean.end());
      clean.resize(excess);
    }
    for (const auto& victim : clean) {
      const std::string key = *victim.second;  // copy: erasing frees the node that holds it
      slots_.erase(key);
    }
    if (!clean.empty()) only_in_cache_ = false;
  }

  size_t cached() const { return slots_.size(); }
  size_t dirty() const { return dirty_.size(); }
  uint64_t misses() const { return misses_; }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  void mark_dirty(Slot* slot) {
    if (slot->dirty) return;
    slot->dirty = true;
    dirty_.push_back(slot);
  }

  engine::StateStore& store_;
  std::string prefix_;
  size_t max_cached_;
  std::unordered_map<std::string, Slot, StringHash, std::equal_to<>> slots_;
  std::vector<Slot*> dirty_;
  bool only_in_cache_ = false;
  uint64_t clock_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace nexus::graph::detail
