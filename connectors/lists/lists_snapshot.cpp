#include "connectors/lists/lists_snapshot.hpp"

#include "connectors/lists/import_diff.hpp"
#include "connectors/lists/list_store.hpp"

#include <algorithm>
#include <map>

namespace nexus::lists {

const ListVersion* ListsSnapshot::find(const std::string& list) const {
  for (const auto& version : lists) {
    if (version.list == list) return &version;
  }
  return nullptr;
}

std::string ListsSnapshot::versions() const {
  std::string out;
  for (const auto& version : lists) {
    out += (out.empty() ? "" : ",") + version.list + "=" + std::to_string(version.version);
  }
  return out;
}

Result<std::shared_ptr<const ListsSnapshot>> load_lists_snapshot(const std::string& data_dir) {
  ListStore store(data_dir);
  auto snapshot = std::make_shared<ListsSnapshot>();
  snapshot->data_dir = data_dir;
  std::vector<screening::ListEntry> entries;
  for (const auto& list : store.list_names()) {
    const int version = store.current_version(list);
    if (version <= 0) continue;
    NEXUS_TRY(stored, store.load_version(list, version));
    snapshot->lists.push_back(ListVersion{list, static_cast<uint32_t>(version),
                                          stored.info.source_version, stored.entries.size()});
    for (auto& entry : stored.entries) entries.push_back(std::move(entry));
  }
  if (entries.empty()) {
    return make_error("empty", "no lists in " + data_dir +
                                   "; run: nexus lists import FILE... --data-dir " + data_dir);
  }
  NEXUS_TRY(normalizer, screening::NameNormalizer::create());
  snapshot->index = screening::ScreeningIndex::build(std::move(entries), normalizer);
  return std::shared_ptr<const ListsSnapshot>(std::move(snapshot));
}

namespace {

std::vector<screening::ListEntry> entries_of(const ListsSnapshot& snapshot,
                                             const std::string& list) {
  std::vector<screening::ListEntry> out;
  if (!snapshot.index) return out;
  for (const auto& entry : snapshot.index->entries()) {
    if (entry.list == list) out.push_back(entry);
  }
  return out;
}

}  // namespace

std::vector<ListChange> diff_snapshots(const ListsSnapshot& previous, const ListsSnapshot& next) {
  std::map<std::string, ListChange> changes;
  for (const auto& before : previous.lists) {
    auto& change = changes[before.list];
    change.list = before.list;
    change.previous_version = before.version;
    change.previous_source_version = before.source_version;
  }
  for (const auto& after : next.lists) {
    auto& change = changes[after.list];
    change.list = after.list;
    change.version = after.version;
    change.source_version = after.source_version;
    change.entries = after.entries;
  }
  std::vector<ListChange> out;
  for (auto& [list, change] : changes) {
    if (change.version != change.previous_version) {
      const ImportDiff diff = diff_lists(entries_of(previous, list), entries_of(next, list));
      change.added = diff.added.size();
      change.changed = diff.changed.size();
      change.removed = diff.removed.size();
    }
    out.push_back(std::move(change));
  }
  return out;
}

}  // namespace nexus::lists
