// ScreeningCache: least-recently-used map from a query key to its matches.
// Payment streams repeat names (payroll, regular remitters), so a hit costs one
// hash lookup. Not thread-safe: one per NameScreener, used by its thread only.
#pragma once

#include "engine/screening/screening_match.hpp"

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace nexus::screening {

class ScreeningCache {
 public:
  explicit ScreeningCache(std::size_t capacity) : capacity_(capacity) {}

  /// The cached matches for key, or null; refreshes its recency.
  const std::vector<ScreeningMatch>* find(const std::string& key) {
    auto it = map_.find(key);
    if (it == map_.end()) {
      ++misses_;
      return nullptr;
    }
    ++hits_;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }

  /// Stores matches under key, evicting the least recently used beyond capacity;
  /// returns the stored value. Precondition: capacity > 0.
  const std::vector<ScreeningMatch>& put(const std::string& key,
                                         std::vector<ScreeningMatch> matches) {
    auto it = map_.find(key);
    if (it != map_.end()) {
      it->second->second = std::move(matches);
      order_.splice(order_.begin(), order_, it->second);
      return it->second->second;
    }
    order_.emplace_front(key, std::move(matches));
    map_.emplace(key, order_.begin());
    if (map_.size() > capacity_) {
      map_.erase(order_.back().first);
      order_.pop_back();
    }
    return order_.front().second;
  }

  void clear() {
    map_.clear();
    order_.clear();
  }
  std::size_t size() const { return map_.size(); }
  std::size_t hits() const { return hits_; }
  std::size_t misses() const { return misses_; }

 private:
  using Item = std::pair<std::string, std::vector<ScreeningMatch>>;
  std::size_t capacity_;
  std::list<Item> order_;
  std::unordered_map<std::string, std::list<Item>::iterator> map_;
  std::size_t hits_ = 0;
  std::size_t misses_ = 0;
};

}  // namespace nexus::screening
