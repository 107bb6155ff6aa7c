// ListHistory: what the stored lists are now and what their last import changed, for the
// review desk's lists page: per list its current version, the publisher's version, the
// entries, when the snapshot was written, and the diff against the version before.
//
// A version's summary is computed once (two snapshots read and diffed) and kept: a list's
// snapshots never change once written, so only a new CURRENT (an import while the desk
// runs) costs another read. Each call reads the CURRENT files only.
//
// Threading: one thread at a time (the desk's HTTP thread).
#pragma once

#include "connectors/lists/list_store.hpp"

#include "base/result.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace nexus::lists {

struct ListVersionSummary {
  std::string list;
  int version = 0;
  std::string source_version;  // the publisher's date or version of the imported file
  std::size_t entries = 0;
  int64_t imported_ms = 0;   // the snapshot file's mtime
  int previous_version = 0;  // 0 when this is the first import: then nothing is diffed
  std::size_t added = 0, removed = 0, changed = 0;
};

class ListHistory {
 public:
  explicit ListHistory(std::string data_dir) : store_(std::move(data_dir)) {}

  /// Every list's current version, by list name. Errors: "io", "parse" (a damaged
  /// snapshot, naming file and line). Cost: the CURRENT files, plus two snapshots read
  /// and diffed for each version not summarised before.
  Result<std::vector<ListVersionSummary>> summaries();

  const std::string& data_dir() const { return store_.data_dir(); }

 private:
  Result<ListVersionSummary> summarise(const std::string& list, int version) const;

  ListStore store_;
  std::map<std::pair<std::string, int>, ListVersionSummary> cache_;
};

}  // namespace nexus::lists
