// WindowStore: the event-time sliding windows of every aggregate, per key.
// Working state lives in an in-memory cache that reads through to the
// StateStore on a miss; dirty windows are written in the checkpoint batch.
// Memory is bounded: at most `max_entries_per_key` events per window (older
// ones are dropped and the window marked truncated) and at most
// `max_cached_keys` windows in memory (clean ones are evicted, least recently
// used first, after each checkpoint). Engine thread only.
#pragma once

#include "engine/state_store.hpp"
#include "rules/rule_set.hpp"

#include "base/result.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nexus::engine {

/// The events of one key of one aggregate, in event-time order.
struct KeyWindow {
  std::vector<int64_t> times;
  std::vector<std::string> tx_ids;
  std::vector<uint64_t> slots;  // slot_count values per event: doubles bit-cast, or string hashes
  bool truncated = false;
  bool dirty = false;      // changed since the last checkpoint (and listed in the dirty list)
  bool persisted = false;  // exists in the StateStore
  uint64_t last_access = 0;

  size_t size() const { return times.size(); }
  std::string serialize(int slot_count) const;
  static bool deserialize(std::string_view bytes, int slot_count, KeyWindow* out);
};

struct WindowStoreConfig {
  /// Windows kept in memory before clean ones are evicted. Default: 1,000,000.
  size_t max_cached_keys = 1'000'000;
  /// Events kept per key and window. Default: 10,000.
  size_t max_entries_per_key = 10'000;
};

/// The value of a measure over a window, with the events that made it.
struct MeasureResult {
  double value = 0;
  const KeyWindow* window = nullptr;
  size_t first = 0;  // events [first, last) of window lie in the span
  size_t last = 0;
};

class WindowStore {
 public:
  /// Checks once whether `store` holds any window (one seek); an I/O error there
  /// counts as "it may".
  WindowStore(StateStore& store, WindowStoreConfig config);

  /// Adds an event to aggregate `aggregate`'s window for `key`, and drops events at or
  /// before `horizon_ms` (the oldest time any window can still need). Returns false, and
  /// changes nothing, when the window already holds this transaction id at this time: a
  /// redelivered event (at-least-once input) is not counted twice.
  Result<bool> add(const rules::Aggregate& aggregate, std::string_view key, int64_t time_ms,
                   std::string_view tx_id, const uint64_t* slot_values, int64_t horizon_ms);

  /// A measure over (time_ms - window, time_ms] for `key`. Missing keys read as empty.
  Result<MeasureResult> measure(const rules::Aggregate& aggregate, int measure_index,
                                std::string_view key, int64_t time_ms);

  /// Adds every dirty window to `batch` and marks it clean.
  void collect_dirty(StateBatch* batch);
  /// Evicts clean windows beyond the configured cache size.
  void evict();

  size_t cached_keys() const { return cached_; }
  uint64_t misses() const { return misses_; }
  static uint64_t hash_string(std::string_view text);
  static std::string state_key(const rules::Aggregate& aggregate, std::string_view key);

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  using Windows =
      std::unordered_map<std::string, std::unique_ptr<KeyWindow>, StringHash, std::equal_to<>>;
  /// The windows of one aggregate definition (id + fingerprint): they survive a rule
  /// reload that keeps the definition.
  struct AggregateWindows {
    std::string prefix;  // "w/<id>/<fingerprint>/": the StateStore key prefix
    std::string fingerprint;
    int slot_count = 0;
    Windows windows;
  };
  struct DirtyEntry {
    AggregateWindows* owner;
    const std::string* key;
    KeyWindow* window;
  };

  /// A window found in the cache, with its owner and the map's copy of its key.
  struct Found {
    AggregateWindows* owner = nullptr;
    const std::string* key = nullptr;
    KeyWindow* window = nullptr;
  };

  AggregateWindows& windows_for(const rules::Aggregate& aggregate);
  Result<Found> find(const rules::Aggregate& aggregate, std::string_view key);
  void mark_dirty(AggregateWindows& owner, const std::string& key, KeyWindow* window);

  StateStore& store_;
  WindowStoreConfig config_;
  std::unordered_map<std::string, std::unique_ptr<AggregateWindows>> aggregates_;
  // Which AggregateWindows an Aggregate of the live rule set maps to (a handful: linear scan).
  std::vector<std::pair<const rules::Aggregate*, AggregateWindows*>> resolved_;
  std::vector<DirtyEntry> dirty_;
  // The last few lookups: one event reads the same windows several times (update, then
  // each rule), and a hit here saves a probe of a table with millions of entries.
  static constexpr size_t kRecent = 8;
  std::array<Found, kRecent> recent_{};
  size_t recent_next_ = 0;
  size_t cached_ = 0;
  // True while the store holds no window that is not also in the cache: from a start
  // on an empty store until the first eviction. Then a cache miss is known empty and
  // needs no read (a fresh replay makes no reads at all).
  bool only_in_cache_ = false;
  uint64_t clock_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace nexus::engine
