// ImportDiff: what a new version of a list changes against the previous one, by
// entry reference: added, removed, changed (with the fields that changed). Pure.
#pragma once

#include "engine/screening/list_entry.hpp"

#include <string>
#include <vector>

namespace nexus::lists {

struct ChangedEntry {
  std::string reference;
  std::vector<std::string> fields;  // "names", "dates_of_birth", "countries", ...
};

struct ImportDiff {
  std::vector<std::string> added;
  std::vector<std::string> removed;
  std::vector<ChangedEntry> changed;
  std::size_t unchanged = 0;
  bool empty() const { return added.empty() && removed.empty() && changed.empty(); }
};

/// Compares two versions of one list. Names compare as sets (order is not a
/// change). Cost: O(n log n). References come out sorted.
ImportDiff diff_lists(const std::vector<screening::ListEntry>& previous,
                      const std::vector<screening::ListEntry>& current);

}  // namespace nexus::lists
