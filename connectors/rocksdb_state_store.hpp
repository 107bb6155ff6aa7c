// RocksDbStateStore: the engine's StateStore in a RocksDB database. Every
// checkpoint is one WriteBatch written with sync, so state and input offsets
// move together. Engine thread only.
#pragma once

#include "engine/state_store.hpp"

#include <filesystem>
#include <memory>

namespace nexus::connectors {

class RocksDbStateStore final : public engine::StateStore {
 public:
  /// Opens (creating when absent) the database in `dir`.
  static Result<std::unique_ptr<RocksDbStateStore>> open(const std::filesystem::path& dir);
  ~RocksDbStateStore() override;

  Result<std::optional<std::string>> get(std::string_view key) override;
  Result<void> write(const engine::StateBatch& batch) override;
  Result<std::vector<std::pair<std::string, std::string>>> scan(std::string_view prefix) override;
  Result<void> scan_each(std::string_view prefix, const Visitor& visit) override;
  Result<bool> any_with_prefix(std::string_view prefix) override;
  /// Approximate on-disk size in bytes (SST + WAL estimate).
  uint64_t approximate_size() const;

 private:
  struct Impl;
  explicit RocksDbStateStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nexus::connectors
