// ListEntry: one designated party as published on a sanctions list (UN, OFAC,
// EU, UK, OpenSanctions), reduced to what screening needs. Plain value type;
// list loaders (connectors/lists) produce it, ScreeningIndex consumes it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nexus::screening {

/// What kind of party an entry designates.
enum class EntryType { kUnknown, kPerson, kEntity, kVessel, kAircraft };

/// How a name relates to its entry: the primary name, an alias (a.k.a.), a
/// former name (f.k.a.), or the name in its original script (UN NAME_ORIGINAL_SCRIPT).
enum class NameKind { kPrimary, kAlias, kFormerName, kOriginalScript };

/// Publisher's quality mark on an alias: OFAC strong/weak a.k.a., UN Good/Low,
/// UK "Good quality"/"Low quality". Weak aliases are screened with a penalty.
enum class AliasStrength { kStrong, kWeak };

struct ListedName {
  std::string text;
  NameKind kind = NameKind::kPrimary;
  AliasStrength strength = AliasStrength::kStrong;
  bool operator==(const ListedName&) const = default;
};

struct ListEntry {
  std::string list;       // "UN", "OFAC-SDN", "OFAC-CONS", "EU", "UK", "OpenSanctions"
  std::string reference;  // publisher's id: "QDi.299", "OFAC-306" (ent_num), "EU.27.28", "AQD0128"
  EntryType type = EntryType::kUnknown;
  std::vector<ListedName> names;            // first is the primary name
  std::vector<std::string> dates_of_birth;  // ISO prefixes: "1965", "1965-04", "1965-04-28"
  std::vector<std::string> countries;       // ISO 3166-1 alpha-2 where resolvable (nationality,
                                            // citizenship, address country)
  std::vector<std::string> identifiers;     // passport, national id, IMO, registration numbers
  std::string programme;                    // "SDGT", "Al-Qaida", "IRQ"
  std::string listed_on;                    // ISO date where known
  bool operator==(const ListEntry&) const = default;
};

std::string_view to_string(EntryType type);
EntryType entry_type_from_string(std::string_view text);
std::string_view to_string(NameKind kind);
NameKind name_kind_from_string(std::string_view text);

}  // namespace nexus::screening
