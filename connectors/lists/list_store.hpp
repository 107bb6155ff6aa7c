// ListStore: the persisted, versioned list index in a data directory. Each list
// ("UN", "OFAC-SDN", ...) has numbered snapshots (JSON lines, one entry each) and
// a CURRENT pointer, replaced atomically (write, fsync-free rename) only after a
// new file parsed completely: a refused import leaves the previous version live.
//
//   <data_dir>/lists/<LIST>/v000001.jsonl, v000002.jsonl, CURRENT
//
// Not thread-safe and not multi-process safe: one importer at a time (the CLI).
// Readers see either the old or the new CURRENT.
#pragma once

#include "connectors/lists/import_diff.hpp"
#include "connectors/lists/list_file.hpp"

#include "base/result.hpp"

#include <string>
#include <vector>

namespace nexus::lists {

struct ImportResult {
  std::string list;
  int version = 0;           // snapshot number now CURRENT
  int previous_version = 0;  // 0 when this is the first import
  std::size_t entries = 0;
  ImportDiff diff;
};

struct StoredListInfo {
  std::string list;
  int version = 0;
  std::string source_version;  // publisher date of the imported file
  std::size_t entries = 0;
};

struct StoredSnapshot {
  StoredListInfo info;
  int64_t written_ms = 0;
  std::vector<screening::ListEntry> entries;
};

/// One entry as a snapshot file holds it (a JSON object), for evidence packages.
std::string list_entry_json(const screening::ListEntry& entry);

class ListStore {
 public:
  explicit ListStore(std::string data_dir) : data_dir_(std::move(data_dir)) {}

  /// Diffs loaded against the current snapshot of its list and, if anything
  /// changed (or nothing is stored yet), writes a new snapshot and makes it current.
  /// Errors: "io".
  Result<ImportResult> import(const LoadedList& loaded);

  /// Entries of the current snapshot of every stored list. Errors: "io", "parse"
  /// (a damaged snapshot, naming file and line).
  Result<std::vector<screening::ListEntry>> load_current() const;

  /// Current snapshot of one list (empty when none). Errors as load_current().
  Result<std::vector<screening::ListEntry>> load_list(const std::string& list) const;

  Result<std::vector<StoredListInfo>> stored_lists() const;

  /// The lists with a directory here, by name. Reads only the directory.
  std::vector<std::string> list_names() const;
  /// The current version of one list (0 when none). Reads only its CURRENT file.
  int current_version(const std::string& list) const;
  /// One stored version of a list: its facts, when it was written (the snapshot's mtime,
  /// ms since 1970) and its entries. Errors as load_current(); "io" when it is missing.
  Result<StoredSnapshot> load_version(const std::string& list, int version) const;
  /// Where one stored version of a list lives (whether or not it exists).
  std::string snapshot_path(const std::string& list, int version) const;
  const std::string& data_dir() const { return data_dir_; }

 private:
  std::string list_dir(const std::string& list) const;
  std::string data_dir_;
};

}  // namespace nexus::lists
