// AsyncStateStore: a StateStore decorator that writes checkpoint batches on a
// background thread, so the engine thread goes on processing while RocksDB
// inserts the batch (the asynchronous snapshot of Flink's checkpoints). Order
// and safety: at most one batch is in flight; get(), scan(), any_with_prefix()
// and the next write() first wait for it, so a read never sees state older than
// what was already handed over. A failed background write is returned by the
// next call. The engine's offsets are in the same batch, so a crash while a
// batch is in flight resumes from the previous checkpoint: nothing is lost.
// Threading: one caller thread (the engine's) plus the internal writer.
#pragma once

#include "engine/state_store.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace nexus::engine {

class AsyncStateStore final : public StateStore {
 public:
  explicit AsyncStateStore(StateStore& inner);
  ~AsyncStateStore() override;  // waits for the batch in flight
  AsyncStateStore(const AsyncStateStore&) = delete;
  AsyncStateStore& operator=(const AsyncStateStore&) = delete;

  Result<std::optional<std::string>> get(std::string_view key) override;
  /// Hands the batch to the writer and returns; the error of an earlier batch, if any.
  Result<void> write(const StateBatch& batch) override;
  Result<std::vector<std::pair<std::string, std::string>>> scan(std::string_view prefix) override;
  Result<void> scan_each(std::string_view prefix, const Visitor& visit) override;
  Result<bool> any_with_prefix(std::string_view prefix) override;
  /// Blocks until the batch in flight is durable; its error, if any.
  Result<void> drain();

 private:
  void run();

  StateStore& inner_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<StateBatch> pending_;
  bool busy_ = false;
  bool stopping_ = false;
  std::optional<Error> error_;
  std::thread writer_;
};

}  // namespace nexus::engine
