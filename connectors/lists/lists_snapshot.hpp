// ListsSnapshot: every list's current snapshot in a lists data directory, read once, with the
// screening index built over all of them: what a running engine screens with, and what a
// reload hands it. ListsChange: what one snapshot changes against another, list by list
// (version before and after, entries added, changed, removed by reference and content).
//
//   NEXUS_TRY(snapshot, lists::load_lists_snapshot("./nexus-data"));
//   auto change = lists::diff_snapshots(live, snapshot);
//
// Loading is a pure function of the directory's files: call it from any thread (a reload
// loads on a thread of its own). A snapshot is immutable once built and shared (shared_ptr:
// the engine thread screens with it while a loader thread diffs the next against it).
#pragma once

#include "engine/screening/screening_index.hpp"

#include "base/result.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nexus::lists {

/// One list as a snapshot holds it.
struct ListVersion {
  std::string list;            // "UN", "OFAC-SDN", ...
  uint32_t version = 0;        // its snapshot number in the data directory (v000004.jsonl: 4)
  std::string source_version;  // the publisher's version ("2026-02-27"), "" when none
  std::size_t entries = 0;
};

struct ListsSnapshot {
  std::string data_dir;
  std::vector<ListVersion> lists;  // by list name
  std::shared_ptr<const screening::ScreeningIndex> index;

  /// The version of `list` here, or null when this snapshot has no such list.
  const ListVersion* find(const std::string& list) const;
  /// "OFAC-SDN=2,UN=4": the versions in one word, for logs and event objects.
  std::string versions() const;
  /// The entries of one list (a copy), in the index's order.
  std::vector<screening::ListEntry> entries_of(const std::string& list) const;
};

/// Reads the current snapshot of every list in `data_dir` (each snapshot file once) and
/// builds the index. Errors: "io"/"parse" (a damaged or truncated snapshot, naming file and
/// line), "empty" (no list imported; the message says how to import), "icu". Cost: reading
/// and indexing every entry (UN + OFAC SDN, 9,979 entries: well under a second).
Result<std::shared_ptr<const ListsSnapshot>> load_lists_snapshot(const std::string& data_dir);

/// The same for the given version of each list (a list absent from `versions`, or at 0, is
/// left out): what an engine screened with before (re-screening's "before"). May be empty.
/// Errors as above, and "io" for a version that is not in the directory.
Result<std::shared_ptr<const ListsSnapshot>> load_lists_snapshot(
    const std::string& data_dir, const std::map<std::string, uint32_t>& versions);

/// What changed in one list between two snapshots. A list that appeared has
/// previous_version 0; one that went has version 0 and every entry removed.
struct ListChange {
  std::string list;
  uint32_t version = 0, previous_version = 0;
  std::string source_version, previous_source_version;
  std::size_t entries = 0;
  std::size_t added = 0, changed = 0, removed = 0;
};

/// Every list of either snapshot, by name; unchanged lists have version == previous_version
/// and no counts. Entries are compared by reference and content (diff_lists). Cost: O(n log
/// n) in the entries of the lists whose version differs; the others are not compared.
std::vector<ListChange> diff_snapshots(const ListsSnapshot& previous, const ListsSnapshot& next);

}  // namespace nexus::lists
