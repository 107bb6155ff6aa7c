#include "engine/seen_transactions.hpp"

#include "engine/window_store.hpp"

#include <cstring>
#include <string>

namespace nexus::engine {

namespace {
constexpr int64_t kHourMs = 3'600'000;
constexpr std::string_view kPrefix = "d/";
constexpr size_t kEntryBytes = 24;  // id hash, fingerprint, event time: 3 x 8 bytes
}  // namespace

SeenTransactions::SeenTransactions(StateStore& store, int64_t horizon_ms)
    : store_(store), horizon_ms_(horizon_ms) {}

int64_t SeenTransactions::hour_of(int64_t time_ms) {
  return time_ms >= 0 ? time_ms / kHourMs : (time_ms - kHourMs + 1) / kHourMs;
}

uint64_t SeenTransactions::hash_id(std::string_view id) {
  // Persisted, so stable across runs and machines: the window store's FNV-1a.
  return WindowStore::hash_string(id);
}

Result<void> SeenTransactions::load() {
  if (horizon_ms_ <= 0) return outcome::success();
  NEXUS_TRY(stored, store_.scan(kPrefix));
  for (const auto& [key, value] : stored) {
    const std::string hour_text = key.substr(kPrefix.size());
    char* end = nullptr;
    const long long hour = std::strtoll(hour_text.c_str(), &end, 10);
    if (hour_text.empty() || *end != '\0' || value.size() % kEntryBytes != 0) {
      return make_error("state_corrupt", "state store: seen-transaction bucket '" + key +
                                             "' is corrupted (" + std::to_string(value.size()) +
                                             " bytes)");
    }
    for (size_t at = 0; at < value.size(); at += kEntryBytes) {
      uint64_t id_hash = 0;
      Entry entry;
      std::memcpy(&id_hash, value.data() + at, 8);
      std::memcpy(&entry.fingerprint, value.data() + at + 8, 8);
      std::memcpy(&entry.time_ms, value.data() + at + 16, 8);
      entries_[id_hash] = entry;
      buckets_[hour].push_back(id_hash);
    }
  }
  return outcome::success();
}

void SeenTransactions::remember(uint64_t id_hash, const Entry& entry) {
  entries_.emplace(id_hash, entry);
  const int64_t hour = hour_of(entry.time_ms);
  buckets_[hour].push_back(id_hash);
  dirty_.insert(hour);
}

SeenTransactions::Lookup SeenTransactions::check(std::string_view id, uint64_t fingerprint,
                                                 int64_t time_ms) {
  if (horizon_ms_ <= 0) return {};
  const uint64_t id_hash = hash_id(id);
  const auto found = entries_.find(id_hash);
  if (found == entries_.end()) {
    remember(id_hash, Entry{fingerprint, time_ms});
    return {};
  }
  return Lookup{found->second.fingerprint == fingerprint ? Verdict::kSame : Verdict::kConflict,
                found->second.time_ms};
}

void SeenTransactions::expire(int64_t newest_ms) {
  if (horizon_ms_ <= 0) return;
  const int64_t oldest_hour = hour_of(newest_ms - horizon_ms_);
  while (!buckets_.empty() && buckets_.begin()->first < oldest_hour) {
    for (uint64_t id_hash : buckets_.begin()->second) {
      const auto found = entries_.find(id_hash);
      // An id remembered in a later bucket stays (the map holds its first sighting).
      if (found != entries_.end() && hour_of(found->second.time_ms) == buckets_.begin()->first) {
        entries_.erase(found);
      }
    }
    dropped_.push_back(buckets_.begin()->first);
    dirty_.erase(buckets_.begin()->first);
    buckets_.erase(buckets_.begin());
  }
}

void SeenTransactions::collect_dirty(StateBatch* batch) {
  for (int64_t hour : dropped_) batch->erase(std::string(kPrefix) + std::to_string(hour));
  dropped_.clear();
  for (int64_t hour : dirty_) {
    const auto bucket = buckets_.find(hour);
    if (bucket == buckets_.end()) continue;
    std::string value;
    value.reserve(bucket->second.size() * kEntryBytes);
    for (uint64_t id_hash : bucket->second) {
      const Entry& entry = entries_.at(id_hash);
      char bytes[kEntryBytes];
      std::memcpy(bytes, &id_hash, 8);
      std::memcpy(bytes + 8, &entry.fingerprint, 8);
      std::memcpy(bytes + 16, &entry.time_ms, 8);
      value.append(bytes, kEntryBytes);
    }
    batch->put(std::string(kPrefix) + std::to_string(hour), std::move(value));
  }
  dirty_.clear();
}

}  // namespace nexus::engine
