#include "engine/async_state_store.hpp"

namespace nexus::engine {

AsyncStateStore::AsyncStateStore(StateStore& inner) : inner_(inner) {
  writer_ = std::thread([this] { run(); });
}

AsyncStateStore::~AsyncStateStore() {
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !pending_ && !busy_; });
    stopping_ = true;
  }
  changed_.notify_all();
  writer_.join();
}

void AsyncStateStore::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return pending_ || stopping_; });
    if (!pending_) return;
    StateBatch batch = std::move(*pending_);
    pending_.reset();
    busy_ = true;
    lock.unlock();
    auto result = inner_.write(batch);
    lock.lock();
    if (!result && !error_) error_ = result.error();
    busy_ = false;
    changed_.notify_all();
  }
}

Result<void> AsyncStateStore::drain() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return !pending_ && !busy_; });
  if (error_) {
    Error error = *error_;
    error_.reset();
    return error;
  }
  return outcome::success();
}

Result<void> AsyncStateStore::write(const StateBatch& batch) {
  NEXUS_TRY(drain());
  {
    std::lock_guard lock(mutex_);
    pending_ = batch;
  }
  changed_.notify_all();
  return outcome::success();
}

Result<std::optional<std::string>> AsyncStateStore::get(std::string_view key) {
  NEXUS_TRY(drain());
  return inner_.get(key);
}

Result<std::vector<std::pair<std::string, std::string>>> AsyncStateStore::scan(
    std::string_view prefix) {
  NEXUS_TRY(drain());
  return inner_.scan(prefix);
}

Result<void> AsyncStateStore::scan_each(std::string_view prefix, const Visitor& visit) {
  NEXUS_TRY(drain());
  return inner_.scan_each(prefix, visit);
}

Result<bool> AsyncStateStore::any_with_prefix(std::string_view prefix) {
  NEXUS_TRY(drain());
  return inner_.any_with_prefix(prefix);
}

}  // namespace nexus::engine
