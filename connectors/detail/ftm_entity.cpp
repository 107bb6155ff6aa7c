#include "connectors/detail/ftm_entity.hpp"

#include <algorithm>
#include <cctype>

namespace nexus::connectors::detail {

namespace {

using nlohmann::json;
using screening::EntryType;
using screening::ListEntry;

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

void add_unique(json& list, const std::string& value) {
  if (value.empty()) return;
  for (const auto& known : list) {
    if (known.get_ref<const std::string&>() == value) return;
  }
  list.push_back(value);
}

}  // namespace

std::string ftm_dataset(std::string_view list) {
  if (list == "UN") return "un_sc_sanctions";
  if (list == "OFAC-SDN") return "us_ofac_sdn";
  if (list == "OFAC-CONS") return "us_ofac_cons";
  if (list == "EU") return "eu_fsf";
  if (list == "UK") return "gb_hmt_sanctions";
  if (list == "OpenSanctions") return "opensanctions";
  std::string out;
  for (const char c : list) {
    out.push_back(std::isalnum(static_cast<unsigned char>(c))
                      ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                      : '_');
  }
  return out;
}

std::string ftm_dataset_title(std::string_view list) {
  if (list == "UN") return "UN Security Council Consolidated Sanctions";
  if (list == "OFAC-SDN") return "US OFAC Specially Designated Nationals (SDN) List";
  if (list == "OFAC-CONS") return "US OFAC Consolidated (non-SDN) List";
  if (list == "EU") return "EU Financial Sanctions Files (FSF)";
  if (list == "UK") return "UK HM Treasury Consolidated List";
  if (list == "OpenSanctions") return "OpenSanctions entities";
  return std::string(list);
}

std::string_view ftm_schema(EntryType type) {
  switch (type) {
    case EntryType::kPerson:
      return "Person";
    case EntryType::kEntity:
      return "Organization";
    case EntryType::kVessel:
      return "Vessel";
    case EntryType::kAircraft:
      return "Airplane";
    case EntryType::kUnknown:
      break;
  }
  return "LegalEntity";
}

std::string ftm_entity_id(const ListEntry& entry) {
  if (entry.list == "OpenSanctions") return entry.reference;
  std::string prefix;
  if (entry.list == "UN") {
    prefix = "unsc";
  } else if (entry.list == "OFAC-SDN") {
    prefix = "ofac";
  } else if (entry.list == "OFAC-CONS") {
    prefix = "ofac-cons";
  } else if (entry.list == "EU") {
    prefix = "eu-fsf";
  } else if (entry.list == "UK") {
    prefix = "gb-hmt";
  } else {
    prefix = lower(entry.list);
  }
  std::string reference;
  for (const char c : entry.reference) {
    // Ids go into URL paths (/entities/{id}): only characters that need no escaping.
    reference.push_back(
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ? c : '-');
  }
  return prefix + "-" + reference;
}

json ftm_entity_json(const ListEntry& entry) {
  const bool person = entry.type == EntryType::kPerson;
  json names = json::array(), aliases = json::array(), weak = json::array(),
       previous = json::array();
  for (std::size_t i = 0; i < entry.names.size(); ++i) {
    const auto& name = entry.names[i];
    if (i == 0) {
      add_unique(names, name.text);
    } else if (name.kind == screening::NameKind::kFormerName) {
      add_unique(previous, name.text);
    } else if (name.strength == screening::AliasStrength::kWeak) {
      add_unique(weak, name.text);
    } else {
      add_unique(aliases, name.text);
    }
  }
  json properties = {{"name", names}};
  if (!aliases.empty()) properties["alias"] = aliases;
  if (!weak.empty()) properties["weakAlias"] = weak;
  if (!previous.empty()) properties["previousName"] = previous;
  if (person && !entry.dates_of_birth.empty()) properties["birthDate"] = entry.dates_of_birth;
  if (!entry.countries.empty()) {
    json countries = json::array();
    for (const auto& country : entry.countries) add_unique(countries, lower(country));
    properties[person ? "nationality" : "country"] = countries;
  }
  if (!entry.identifiers.empty()) {
    json identifiers = json::array();
    for (const auto& identifier : entry.identifiers) add_unique(identifiers, identifier);
    properties[person ? "idNumber" : "registrationNumber"] = identifiers;
  }
  if (!entry.programme.empty()) properties["programId"] = json::array({entry.programme});
  properties["topics"] = json::array({"sanction"});
  const std::string caption = entry.names.empty() ? entry.reference : entry.names.front().text;
  return {{"id", ftm_entity_id(entry)},
          {"caption", caption},
          {"schema", std::string(ftm_schema(entry.type))},
          {"properties", std::move(properties)},
          {"datasets", json::array({ftm_dataset(entry.list)})},
          {"referents", json::array()},
          {"target", true},
          {"first_seen", nullptr},
          {"last_seen", nullptr},
          {"last_change", nullptr}};
}

}  // namespace nexus::connectors::detail
