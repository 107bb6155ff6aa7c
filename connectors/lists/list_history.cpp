#include "connectors/lists/list_history.hpp"

namespace nexus::lists {

Result<std::vector<ListVersionSummary>> ListHistory::summaries() {
  std::vector<ListVersionSummary> out;
  for (const auto& list : store_.list_names()) {
    const int version = store_.current_version(list);
    if (version == 0) continue;
    const auto key = std::make_pair(list, version);
    auto found = cache_.find(key);
    if (found == cache_.end()) {
      NEXUS_TRY(summary, summarise(list, version));
      found = cache_.emplace(key, std::move(summary)).first;
    }
    out.push_back(found->second);
  }
  return out;
}

Result<ListVersionSummary> ListHistory::summarise(const std::string& list, int version) const {
  NEXUS_TRY(current, store_.load_version(list, version));
  ListVersionSummary summary;
  summary.list = list;
  summary.version = version;
  summary.source_version = current.info.source_version;
  summary.entries = current.entries.size();
  summary.imported_ms = current.written_ms;
  // Versions are numbered from 1 and an import only ever adds the next one.
  if (version > 1) {
    NEXUS_TRY(previous, store_.load_version(list, version - 1));
    const ImportDiff diff = diff_lists(previous.entries, current.entries);
    summary.previous_version = version - 1;
    summary.added = diff.added.size();
    summary.removed = diff.removed.size();
    summary.changed = diff.changed.size();
  }
  return summary;
}

}  // namespace nexus::lists
