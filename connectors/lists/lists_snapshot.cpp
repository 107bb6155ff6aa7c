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

std::vector<screening::ListEntry> ListsSnapshot::entries_of(const std::string& list) const {
  std::vector<screening::ListEntry> out;
  if (!index) return out;
  for (const auto& entry : index->entries()) {
    if (entry.list == list) out.push_back(entry);
  }
  return out;
}

namespace {

// The snapshot of the given version of each list (the current one where `versions` is
// null); an empty one only when `allow_empty`.
Result<std::shared_ptr<const ListsSnapshot>> load_snapshot(
    const std::string& data_dir, const std::map<std::string, uint32_t>* versions,
    bool allow_empty) {
  ListStore store(data_dir);
  auto snapshot = std::make_shared<ListsSnapshot>();
  snapshot->data_dir = data_dir;
  std::vector<screening::ListEntry> entries;
  std::vector<std::pair<std::string, int>> wanted;
  if (versions) {
    for (const auto& [list, version] : *versions) wanted.emplace_back(list, version);
  } else {
    for (const auto& list : store.list_names())
      wanted.emplace_back(list, store.current_version(list));
  }
  for (const auto& [list, version] : wanted) {
    if (version <= 0) continue;
    NEXUS_TRY(stored, store.load_version(list, version));
    snapshot->lists.push_back(ListVersion{list, static_cast<uint32_t>(version),
                                          stored.info.source_version, stored.entries.size()});
    for (auto& entry : stored.entries) entries.push_back(std::move(entry));
  }
  if (entries.empty() && !allow_empty) {
    return make_error("empty", "no lists in " + data_dir +
                                   "; run: nexus lists import FILE... --data-dir " + data_dir);
  }
  NEXUS_TRY(normalizer, screening::NameNormalizer::create());
  snapshot->index = screening::ScreeningIndex::build(std::move(entries), normalizer);
  return std::shared_ptr<const ListsSnapshot>(std::move(snapshot));
}

}  // namespace

Result<std::shared_ptr<const ListsSnapshot>> load_lists_snapshot(const std::string& data_dir) {
  return load_snapshot(data_dir, nullptr, false);
}

Result<std::shared_ptr<const ListsSnapshot>> load_lists_snapshot(
    const std::string& data_dir, const std::map<std::string, uint32_t>& versions) {
  return load_snapshot(data_dir, &versions, true);
}

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
      const ImportDiff diff = diff_lists(previous.entries_of(list), next.entries_of(list));
      change.added = diff.added.size();
      change.changed = diff.changed.size();
      change.removed = diff.removed.size();
    }
    out.push_back(std::move(change));
  }
  return out;
}

}  // namespace nexus::lists
