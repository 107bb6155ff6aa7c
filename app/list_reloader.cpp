#include "app/list_reloader.hpp"

#include "app/common.hpp"
#include "connectors/lists/list_store.hpp"

#include <filesystem>
#include <map>
#include <utility>

namespace nexus::app {

namespace {

// One list's part of the signature: its version and the size and modification time of that
// snapshot file (so a snapshot rewritten in place is noticed too).
std::string list_signature(const lists::ListStore& store, const std::string& list, int version) {
  std::error_code ec;
  const std::filesystem::path file = store.snapshot_path(list, version);
  const auto size = std::filesystem::file_size(file, ec);
  const auto time = std::filesystem::last_write_time(file, ec).time_since_epoch().count();
  return list + "=" + std::to_string(version) + ":" + std::to_string(ec ? 0 : size) + ":" +
         std::to_string(ec ? 0 : time) + ";";
}

// The lists as their CURRENT files say now: reads a few bytes per list.
std::string directory_signature(const std::string& dir) {
  const lists::ListStore store(dir);
  std::string out;
  for (const auto& list : store.list_names()) {
    const int version = store.current_version(list);
    if (version > 0) out += list_signature(store, list, version);
  }
  return out;
}

// The same for the lists of a loaded snapshot (not what CURRENT says now, which may already
// be newer than what was loaded).
std::string snapshot_signature(const lists::ListsSnapshot& snapshot) {
  const lists::ListStore store(snapshot.data_dir);
  std::string out;
  for (const auto& list : snapshot.lists) {
    out += list_signature(store, list.list, static_cast<int>(list.version));
  }
  return out;
}

nlohmann::json change_json(const lists::ListChange& change) {
  return {{"version", change.version},
          {"previous_version", change.previous_version},
          {"source_version", change.source_version},
          {"previous_source_version", change.previous_source_version},
          {"entries", change.entries},
          {"added", change.added},
          {"changed", change.changed},
          {"removed", change.removed}};
}

// "UN v3->v4 (2026-03-02): 4 entries, added 1, changed 0, removed 0; OFAC-SDN v2 unchanged"
std::string change_text(const std::vector<lists::ListChange>& changes) {
  std::string out;
  for (const auto& change : changes) {
    out += out.empty() ? "" : "; ";
    out += change.list + " v" + std::to_string(change.previous_version);
    if (change.version == change.previous_version) {
      out += " unchanged";
      continue;
    }
    out += "->v" + std::to_string(change.version);
    if (!change.source_version.empty()) out += " (" + change.source_version + ")";
    out += ": " + std::to_string(change.entries) + " entries, added " +
           std::to_string(change.added) + ", changed " + std::to_string(change.changed) +
           ", removed " + std::to_string(change.removed);
  }
  return out;
}

}  // namespace

std::vector<engine::Metrics::ListInfo> list_infos(const lists::ListsSnapshot& snapshot) {
  std::vector<engine::Metrics::ListInfo> out;
  for (const auto& list : snapshot.lists) {
    out.push_back({list.list, list.version, list.source_version, list.entries});
  }
  return out;
}

ListReloader::ListReloader(std::string lists_dir, lists::SnapshotScreener& screener,
                           engine::Metrics& metrics, int64_t interval_ms)
    : dir_(std::move(lists_dir)),
      screener_(screener),
      metrics_(metrics),
      watch_([this] { return directory_signature(dir_); }, snapshot_signature(*screener.snapshot()),
             interval_ms) {
  metrics_.set_lists_info(list_infos(*screener_.snapshot()), wall_clock_ms() / 1000);
}

ListReloader::~ListReloader() {
  if (loader_.joinable()) loader_.join();
}

nlohmann::json ListReloader::live_details() const {
  nlohmann::json lists = nlohmann::json::object();
  for (const auto& list : screener_.snapshot()->lists) {
    lists[list.list] = {{"version", list.version},
                        {"source_version", list.source_version},
                        {"entries", list.entries}};
  }
  return {{"lists_dir", dir_}, {"lists", lists}};
}

std::string ListReloader::live_object() const {
  return "lists:" + screener_.snapshot()->versions();
}

void ListReloader::maybe_reload() {
  if (loader_.joinable()) {
    if (loaded_.load(std::memory_order_acquire)) finish_load();
    return;
  }
  ChangeWatch::Check check = watch_.check();
  if (check.kind == ChangeWatch::Check::Kind::kWithdrawn) {
    log_json("info", "refused list change withdrawn; the live lists are unchanged",
             {{"lists_dir", dir_}, {"live", screener_.snapshot()->versions()}});
    return;
  }
  if (check.kind == ChangeWatch::Check::Kind::kChanged) start_load(std::move(check.signature));
}

void ListReloader::start_load(std::string signature) {
  loading_signature_ = std::move(signature);
  loaded_.store(false, std::memory_order_relaxed);
  result_.reset();
  changes_.clear();
  log_json("info", "sanctions lists changed; loading them beside the live ones",
           {{"lists_dir", dir_}, {"live", screener_.snapshot()->versions()}});
  // The live snapshot is immutable; the loader thread reads it only to diff against it.
  loader_ = std::thread([this, live = screener_.snapshot()] {
    auto loaded = lists::load_lists_snapshot(dir_);
    if (loaded) changes_ = lists::diff_snapshots(*live, *loaded.value());
    result_.emplace(std::move(loaded));
    loaded_.store(true, std::memory_order_release);
  });
}

void ListReloader::finish_load() {
  loader_.join();
  auto result = std::move(*result_);
  result_.reset();
  const std::string live = screener_.snapshot()->versions();
  if (!result) {
    ++refusals_;
    watch_.refuse(loading_signature_);
    metrics_.count_list_reload(false);
    log_json("error", "list reload refused; the lists screening now stay live",
             {{"lists_dir", dir_}, {"live", live}, {"error", result.error().message}});
    if (listener_) {
      listener_("engine.lists_refused",
                {{"lists_dir", dir_}, {"live", live}, {"error", result.error().message}});
    }
    return;
  }
  watch_.accept(loading_signature_);
  bool any = false;
  for (const auto& change : changes_) any = any || change.version != change.previous_version;
  if (!any) return;  // the same versions again (a file touched, a request with no change)
  const std::shared_ptr<const lists::ListsSnapshot> previous = screener_.snapshot();
  screener_.adopt(result.value());
  ++reloads_;
  metrics_.set_lists_info(list_infos(*result.value()), wall_clock_ms() / 1000);
  metrics_.count_list_reload(true);
  log_json("info", "lists reloaded",
           {{"lists_dir", dir_},
            {"previous", live},
            {"live", result.value()->versions()},
            {"changes", change_text(changes_)}});
  if (listener_) {
    nlohmann::json lists = nlohmann::json::object();
    for (const auto& change : changes_) lists[change.list] = change_json(change);
    listener_("engine.lists_reloaded", {{"lists_dir", dir_}, {"previous", live}, {"lists", lists}});
  }
  if (adopt_listener_) adopt_listener_(previous, result.value());
}

}  // namespace nexus::app
