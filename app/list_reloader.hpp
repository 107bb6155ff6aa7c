// ListReloader: hot reload of the sanctions lists data directory into a running engine, the
// lists' counterpart of RuleReloader (the same ChangeWatch decides when to look). Between
// events it notices a new snapshot (a list's CURRENT moved, as `nexus lists import` does, or
// the snapshot file it names changed), loads and indexes the whole directory on a thread of
// its own while events keep flowing, and at the first event boundary after the load the
// engine thread adopts it (SnapshotScreener::adopt): every event is screened against one
// snapshot, old or new, never a mix. A snapshot that does not load (damaged, cut short, no
// list left) is refused with its file:line and the lists screening now stay live.
//
// Each outcome is logged, counted in the engine's metrics (nexus_list_reloads_total,
// nexus_list_info, nexus_lists_last_reload_timestamp_seconds) and handed to the listener
// (engine.lists_reloaded / engine.lists_refused, for the events topic). Engine thread, except
// request(), which is async-signal-safe.
#pragma once

#include "app/change_watch.hpp"
#include "connectors/lists/lists_snapshot.hpp"
#include "connectors/lists/snapshot_screener.hpp"
#include "engine/metrics.hpp"

#include "base/result.hpp"
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace nexus::app {

class ListReloader {
 public:
  /// `screener` screens with the snapshot loaded at start; `metrics` are the engine's.
  ListReloader(std::string lists_dir, lists::SnapshotScreener& screener, engine::Metrics& metrics,
               int64_t interval_ms = 1'000);
  /// Waits for a load in flight (at most one index build).
  ~ListReloader();
  ListReloader(const ListReloader&) = delete;
  ListReloader& operator=(const ListReloader&) = delete;

  /// Call between events: cheap when nothing is due; adopts a finished load.
  void maybe_reload();
  /// Ask for a check at the next maybe_reload() (signal handlers may call it).
  void request() { watch_.request(); }

  /// Called after each reload and refusal with the event's action and its facts.
  using ChangeListener = std::function<void(const std::string& action, const nlohmann::json&)>;
  void on_change(ChangeListener listener) { listener_ = std::move(listener); }

  /// Called after each adoption (and after the change listener), with the snapshot it
  /// replaced and the new one: re-screening of the parties seen hooks in here.
  using AdoptListener =
      std::function<void(const std::shared_ptr<const lists::ListsSnapshot>& before,
                         const std::shared_ptr<const lists::ListsSnapshot>& after)>;
  void on_adopt(AdoptListener listener) { adopt_listener_ = std::move(listener); }

  /// The facts of the lists screening now (engine.lists_loaded at start): per list its
  /// version, the publisher's version and its entries.
  nlohmann::json live_details() const;
  /// "lists:OFAC-SDN=2,UN=4", the object of the lists' engine events.
  std::string live_object() const;

  uint64_t reloads() const { return reloads_; }
  uint64_t refusals() const { return refusals_; }

 private:
  void start_load(std::string signature);
  void finish_load();

  std::string dir_;
  lists::SnapshotScreener& screener_;
  engine::Metrics& metrics_;
  ChangeWatch watch_;
  ChangeListener listener_;
  AdoptListener adopt_listener_;
  uint64_t reloads_ = 0;
  uint64_t refusals_ = 0;

  // The load in flight: written by the loader thread, read by the engine thread once
  // loaded_ is true (release/acquire), then the thread is joined.
  std::thread loader_;
  std::atomic<bool> loaded_{false};
  std::string loading_signature_;
  std::optional<Result<std::shared_ptr<const lists::ListsSnapshot>>> result_;
  std::vector<lists::ListChange> changes_;
};

/// The metrics' view of a snapshot's lists.
std::vector<engine::Metrics::ListInfo> list_infos(const lists::ListsSnapshot& snapshot);

}  // namespace nexus::app
