// SeenTransactions: the content fingerprint of every transaction id processed within
// a span of event time, so a second record with a known id is told apart: the same
// content is a redelivery (counted, no second alert), other content is a conflict
// (dead-lettered: two payments must never share an alert id, which hashes the
// transaction id).
//
// Entries live in memory in hour buckets of event time; buckets older than the
// horizon behind the newest event time are dropped. Buckets touched since the last
// checkpoint are written whole under "d/<hour>" with the engine's batch, and all are
// read back at construction, so a restart remembers what the uninterrupted run would.
// Memory: about 64 bytes per remembered id (24 in the bucket, the rest the hash map).
// Engine thread only.
#pragma once

#include "engine/state_store.hpp"

#include "base/result.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nexus::engine {

class SeenTransactions {
 public:
  enum class Verdict { kNew, kSame, kConflict };
  struct Lookup {
    Verdict verdict = Verdict::kNew;
    int64_t first_time_ms = 0;  // the remembered record's event time (kSame, kConflict)
  };

  /// `horizon_ms`: how long (event time) an id is remembered; 0 turns the check off.
  SeenTransactions(StateStore& store, int64_t horizon_ms);

  /// Reads the persisted buckets. An error for I/O failure or a corrupted bucket.
  Result<void> load();

  /// Looks the id up; a new id is remembered with its fingerprint and event time.
  /// Cost: one hash of the id and one hash-map probe.
  Lookup check(std::string_view id, uint64_t fingerprint, int64_t time_ms);

  /// Drops buckets older than `newest_ms - horizon`. Cheap when nothing expires.
  void expire(int64_t newest_ms);

  /// Adds the dirty buckets (and erasures of dropped ones) to a checkpoint batch.
  void collect_dirty(StateBatch* batch);

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    uint64_t fingerprint = 0;
    int64_t time_ms = 0;
  };
  static int64_t hour_of(int64_t time_ms);
  static uint64_t hash_id(std::string_view id);
  void remember(uint64_t id_hash, const Entry& entry);

  StateStore& store_;
  int64_t horizon_ms_;
  std::unordered_map<uint64_t, Entry> entries_;
  std::map<int64_t, std::vector<uint64_t>> buckets_;  // hour -> id hashes
  std::set<int64_t> dirty_;
  std::vector<int64_t> dropped_;
};

}  // namespace nexus::engine
