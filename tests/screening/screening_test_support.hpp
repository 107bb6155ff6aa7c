// Helpers the screening tests share: one-name list entries and a screener with the CJK
// readings (engine/screening/cjk_readings.hpp) switched on or off. Needs only
// nexus::screening, so the core-only sanitizer build compiles it too.
#pragma once

#include "engine/screening/list_entry.hpp"
#include "engine/screening/name_screener.hpp"

#include <memory>
#include <string>
#include <vector>

namespace nexus::screening::testing {

/// An entry with one strong primary name.
ListEntry one_name_entry(std::string list, std::string reference, EntryType type, std::string name);

/// A screener over entries, its index built and its queries read with the CJK readings
/// (IndexLimits::cjk_readings, ScreeningConfig::cjk_readings) both on or both off.
std::unique_ptr<NameScreener> screener_with_cjk_readings(std::vector<ListEntry> entries,
                                                         bool readings);

}  // namespace nexus::screening::testing
