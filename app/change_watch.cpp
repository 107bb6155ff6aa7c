#include "app/change_watch.hpp"

#include <chrono>

namespace nexus::app {

namespace {
int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

ChangeWatch::ChangeWatch(std::function<std::string()> signature, std::string live,
                         int64_t interval_ms)
    : signature_(std::move(signature)),
      live_(std::move(live)),
      interval_ms_(interval_ms),
      last_check_ms_(now_ms()) {}

ChangeWatch::Check ChangeWatch::check() {
  const bool requested = requested_.exchange(false, std::memory_order_relaxed);
  const int64_t now = now_ms();
  if (!requested && now - last_check_ms_ < interval_ms_) return {};
  last_check_ms_ = now;
  std::string current = signature_();
  if (current == live_) {
    if (refused_.empty()) return {};
    refused_.clear();
    return {Check::Kind::kWithdrawn, std::move(current)};
  }
  if (current == refused_ && !requested) return {};
  return {Check::Kind::kChanged, std::move(current)};
}

void ChangeWatch::accept(std::string signature) {
  live_ = std::move(signature);
  refused_.clear();
}

void ChangeWatch::refuse(std::string signature) { refused_ = std::move(signature); }

}  // namespace nexus::app
