// StateStore: where the engine's working state and input offsets persist.
// The engine reads through on a cache miss and writes everything dirty, with
// the input offsets, in one atomic batch per checkpoint. Implementations:
// RocksDbStateStore (connectors/), MemoryStateStore (tests). Called from the
// engine thread only.
#pragma once

#include "base/result.hpp"

#include <functional>
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
  /// Calls `visit` for every key starting with `prefix`, in key order, without holding
  /// them all at once (re-screening reads a million party records so); stops at the
  /// first error `visit` returns and returns it. The default reads them with scan().
  using Visitor = std::function<Result<void>(std::string_view key, std::string_view value)>;
  virtual Result<void> scan_each(std::string_view prefix, const Visitor& visit) {
    NEXUS_TRY(all, scan(prefix));
    for (const auto& [key, value] : all) {
      NEXUS_TRY(visit(key, value));
    }
    return outcome::success();
  }
  /// Whether any key starts with `prefix` (cheap: one seek).
  virtual Result<bool> any_with_prefix(std::string_view prefix) = 0;
};

}  // namespace nexus::engine
