// MemoryStateStore: a StateStore in a std::map, for tests and for runs that
// need no persistence. Failure knob: fail_writes_after(n) makes the (n+1)th
// and later writes fail, to test crash paths. Single-threaded.
#pragma once

#include "engine/state_store.hpp"

#include <map>

namespace nexus::engine {

class MemoryStateStore final : public StateStore {
 public:
  Result<std::optional<std::string>> get(std::string_view key) override {
    ++gets_;
    auto found = data_.find(std::string(key));
    if (found == data_.end()) return std::optional<std::string>();
    return std::optional<std::string>(found->second);
  }
  Result<void> write(const StateBatch& batch) override {
    if (writes_left_ == 0) return make_error("state_io", "injected write failure");
    if (writes_left_ > 0) --writes_left_;
    for (const auto& [key, value] : batch.ops) {
      if (value) {
        data_[key] = *value;
      } else {
        data_.erase(key);
      }
    }
    ++writes_;
    return outcome::success();
  }
  Result<std::vector<std::pair<std::string, std::string>>> scan(std::string_view prefix) override {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto it = data_.lower_bound(std::string(prefix));
         it != data_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      out.emplace_back(it->first, it->second);
    }
    return out;
  }

  Result<bool> any_with_prefix(std::string_view prefix) override {
    auto it = data_.lower_bound(std::string(prefix));
    return it != data_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
  }

  void fail_writes_after(int n) { writes_left_ = n; }
  size_t size() const { return data_.size(); }
  int writes() const { return writes_; }
  int gets() const { return gets_; }

 private:
  std::map<std::string, std::string> data_;
  int writes_left_ = -1;
  int writes_ = 0;
  int gets_ = 0;
};

}  // namespace nexus::engine
