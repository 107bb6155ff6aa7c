// CountryResolver: country names as lists write them ("Iraq", "Syrian Arab
// Republic", "Iran (Islamic Republic of)") to ISO 3166-1 alpha-2 codes, from ICU's
// English region display names plus the UN/OFAC long forms ICU does not use.
// Immutable after construction; thread-safe for concurrent resolve() calls.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

namespace nexus::screening {

class CountryResolver {
 public:
  CountryResolver();

  /// ISO alpha-2 (upper case) for a name, an alpha-2 or alpha-3 code, or a
  /// nationality adjective ICU knows; empty when unknown. Cost: one hash lookup.
  std::string resolve(std::string_view name_or_code) const;

 private:
  std::unordered_map<std::string, std::string> by_key_;
};

}  // namespace nexus::screening
