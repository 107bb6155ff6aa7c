// RuleReloader: hot reload of a rule directory into a running engine. Between
// events it checks (ChangeWatch: at most once per interval, or at once after request(),
// e.g. on SIGHUP) whether any rule file changed; a changed set is compiled and
// checked in full and swapped in atomically between two events. A set that
// does not compile is refused with every file:line:column message and the old
// set keeps running. Main (engine) thread, except request(), which is
// async-signal-safe.
#pragma once

#include "app/change_watch.hpp"
#include "engine/engine.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

namespace nexus::app {

class RuleReloader {
 public:
  RuleReloader(std::filesystem::path dir, engine::Engine& engine, int64_t interval_ms = 1'000);

  /// Call between events; cheap when nothing is due.
  void maybe_reload();
  /// Ask for a check at the next maybe_reload() (signal handlers may call it).
  void request() { watch_.request(); }

  /// Called after each reload ("engine.rules_reloaded") and refusal ("engine.rules_refused")
  /// with the fields it logs: the engine's events topic takes them to the audit chain.
  using ChangeListener =
      std::function<void(const std::string& action, const std::map<std::string, std::string>&)>;
  void on_change(ChangeListener listener) { listener_ = std::move(listener); }

  uint64_t reloads() const { return reloads_; }
  uint64_t failures() const { return failures_; }

 private:
  std::filesystem::path dir_;
  engine::Engine& engine_;
  ChangeWatch watch_;
  uint64_t reloads_ = 0;
  uint64_t failures_ = 0;
  ChangeListener listener_;
};

}  // namespace nexus::app
