// Parses OFAC's free-text Remarks ("DOB 10 Dec 1948; POB Giza, Egypt; Passport
// 1084010 (Egypt); a.k.a. 'ABU ALI'; nationality Iraq.") into entry fields.
// Pure; thread-safe.
#pragma once

#include "engine/screening/country_resolver.hpp"
#include "engine/screening/list_entry.hpp"

#include <string_view>

namespace nexus::lists::detail {

void apply_ofac_remarks(std::string_view remarks, const screening::CountryResolver& countries,
                        screening::ListEntry& entry);

}  // namespace nexus::lists::detail
