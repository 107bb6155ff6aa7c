#include "engine/screening/list_entry.hpp"

namespace nexus::screening {

std::string_view to_string(EntryType type) {
  switch (type) {
    case EntryType::kPerson:
      return "person";
    case EntryType::kEntity:
      return "entity";
    case EntryType::kVessel:
      return "vessel";
    case EntryType::kAircraft:
      return "aircraft";
    case EntryType::kUnknown:
      break;
  }
  return "unknown";
}

EntryType entry_type_from_string(std::string_view text) {
  if (text == "person") return EntryType::kPerson;
  if (text == "entity") return EntryType::kEntity;
  if (text == "vessel") return EntryType::kVessel;
  if (text == "aircraft") return EntryType::kAircraft;
  return EntryType::kUnknown;
}

std::string_view to_string(NameKind kind) {
  switch (kind) {
    case NameKind::kPrimary:
      return "primary";
    case NameKind::kAlias:
      return "alias";
    case NameKind::kFormerName:
      return "former";
    case NameKind::kOriginalScript:
      return "original_script";
  }
  return "primary";
}

NameKind name_kind_from_string(std::string_view text) {
  if (text == "alias") return NameKind::kAlias;
  if (text == "former") return NameKind::kFormerName;
  if (text == "original_script") return NameKind::kOriginalScript;
  return NameKind::kPrimary;
}

}  // namespace nexus::screening
