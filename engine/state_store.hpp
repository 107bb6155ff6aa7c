// StateStore: where the engine's working state and input offsets persist.
// The engine reads through on a cache miss and writes everything dirty, with
// the input offsets, in one atomic batch per checkpoint. Implementations:
// RocksDbStateStore (connectors/), MemoryStateStore (tests). Called from the
// engine thread only.
#pragma once

#include "base/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nexus::engine {

/// Puts (value set) and deletes (value empty optional), applied all or nothing.
struct StateBatch {
  std::vector<std::pair<std::string, std::optional<std::string>>> ops;
  void put(std::string key, std::string value) {
    ops.emplace_back(std::move(key), std::move(value));
  }
  void erase(std::string key) { ops.emplace_back(std::move(key), std::nullopt); }
};

class StateStore {
 public:
  virtual ~StateStore() = default;
  /// The value for `key`, nullopt when absent; an error only for I/O failure.
  virtual Result<std::optional<std::string>> get(std::string_view key) = 0;
  /// Applies the whole batch atomically and durably (synced), or nothing.
  virtual Result<void> write(const StateBatch& batch) = 0;
  /// Every key starting with `prefix`, with its value (used for offsets at start-up).
  virtual Result<std::vector<std::pair<std::string, std::string>>> scan(
      std::string_view prefix) = 0;
  /// Whether any key starts with `prefix` (cheap: one seek).
  virtual Result<bool> any_with_prefix(std::string_view prefix) = 0;
};

}  // namespace nexus::engine
