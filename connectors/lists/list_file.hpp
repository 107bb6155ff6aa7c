// LoadedList and the loader functions for each official list format. Each loader
// reads one file (or the OFAC CSV trio), returns the entries, or an error naming
// the file (and line where the format has lines). Loaders are pure functions of
// their input files; call them from any thread.
#pragma once

#include "connectors/lists/list_format.hpp"
#include "engine/screening/list_entry.hpp"

#include "base/result.hpp"

#include <string>
#include <vector>

namespace nexus::lists {

struct LoadedList {
  std::string list;  // list name used in hits and in the store: "UN", "OFAC-SDN", ...
  ListFormat format = ListFormat::kUnknown;
  std::string version;  // publisher's date where the file says it ("2026-02-27")
  std::vector<std::string> files;
  std::vector<screening::ListEntry> entries;
};

/// Detects the format and loads path. For OFAC CSV, the alt/add/comments files
/// next to sdn.csv (or cons_prim.csv) are read too when present.
/// Errors: "io" (cannot read), "format" (unknown format), "parse" (malformed).
Result<LoadedList> load_list_file(const std::string& path);

Result<LoadedList> load_un_xml(const std::string& path);
Result<LoadedList> load_ofac_xml(const std::string& path);
Result<LoadedList> load_ofac_csv(const std::string& sdn_path);
Result<LoadedList> load_eu_fsf_xml(const std::string& path);
Result<LoadedList> load_uk_xml(const std::string& path);
Result<LoadedList> load_uk_conlist_csv(const std::string& path);
Result<LoadedList> load_ftm_json(const std::string& path);

}  // namespace nexus::lists
