// ListFormat: which official format a list file is in, detected from its content
// (not its name), so `nexus lists import FILE` needs no format flag.
#pragma once

#include "base/result.hpp"

#include <string>
#include <string_view>

namespace nexus::lists {

enum class ListFormat {
  kUnknown,
  kUnXml,         // UN Security Council Consolidated List XML (CONSOLIDATED_LIST)
  kOfacXml,       // OFAC sdnList XML (sdn.xml / consolidated.xml)
  kOfacCsv,       // OFAC sdn.csv / cons_prim.csv (12 columns, no header)
  kOfacAltCsv,    // OFAC alt.csv (5 columns)
  kOfacAddCsv,    // OFAC add.csv (6 columns)
  kEuFsfXml,      // EU FSF XML v1.1 (<export xmlns="http://eu.europa.ec/fpi/fsd/export">)
  kUkXml,         // UK Sanctions List XML (<Designations>)
  kUkConListCsv,  // UK HMT/OFSI ConList CSV (Windows-1252)
  kFtmJson,       // OpenSanctions FollowTheMoney JSON lines (or delta lines)
};

std::string_view to_string(ListFormat format);

/// Detects the format from the first bytes of a file's content. Cost: O(head size).
ListFormat detect_list_format(std::string_view head);

/// Reads a whole file. Errors: "io" naming the path.
Result<std::string> read_file(const std::string& path);

}  // namespace nexus::lists
