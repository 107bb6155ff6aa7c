// OpenSanctions FollowTheMoney entities, one JSON object per line (also the
// delta form {"op": "ADD"|"MOD"|"DEL", "entity": {...}}). Persons, companies,
// organisations, legal entities, vessels and airplanes become entries; Sanction,
// Ownership, Address and other link schemata are skipped.
#include "connectors/lists/detail/list_text.hpp"
#include "connectors/lists/list_file.hpp"

#include <nlohmann/json.hpp>

#include <unordered_map>

namespace nexus::lists {
namespace {

using screening::AliasStrength;
using screening::EntryType;
using screening::ListedName;
using screening::NameKind;

EntryType type_of_schema(const std::string& schema) {
  if (schema == "Person") return EntryType::kPerson;
  if (schema == "Company" || schema == "Organization" || schema == "LegalEntity" ||
      schema == "PublicBody") {
    return EntryType::kEntity;
  }
  if (schema == "Vessel") return EntryType::kVessel;
  if (schema == "Airplane") return EntryType::kAircraft;
  return EntryType::kUnknown;
}

std::vector<std::string> values(const nlohmann::json& props, const char* key) {
  std::vector<std::string> out;
  auto it = props.find(key);
  if (it == props.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(detail::trim(v.get<std::string>()));
  }
  return out;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<LoadedList> load_ftm_json(const std::string& path) {
  NEXUS_TRY(text, read_file(path));
  LoadedList out;
  out.format = ListFormat::kFtmJson;
  out.list = "OpenSanctions";
  out.files = {path};
  std::unordered_map<std::string, std::size_t> by_id;
  std::vector<bool> deleted;
  std::size_t line_no = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_no;
    if (detail::trim(line).empty()) continue;
    nlohmann::json obj = nlohmann::json::parse(line, nullptr, false);
    if (obj.is_discarded() || !obj.is_object()) {
      return make_error("parse", path + ":" + std::to_string(line_no) + ": not a JSON object");
    }
    std::string op = "ADD";
    if (obj.contains("op") && obj.contains("entity")) {
      op = obj.value("op", "ADD");
      obj = obj["entity"];
    }
    if (!obj.is_object() || !obj.contains("id") || !obj["id"].is_string()) {
      return make_error("parse", path + ":" + std::to_string(line_no) + ": entity without \"id\"");
    }
    const std::string id = obj["id"].get<std::string>();
    if (op == "DEL") {
      if (auto it = by_id.find(id); it != by_id.end()) deleted[it->second] = true;
      continue;
    }
    const std::string schema = obj.value("schema", "");
    const EntryType type = type_of_schema(schema);
    if (type == EntryType::kUnknown) continue;
    if (obj.contains("target") && obj["target"].is_boolean() && !obj["target"].get<bool>())
      continue;
    const nlohmann::json props = obj.value("properties", nlohmann::json::object());
    screening::ListEntry e;
    e.list = "OpenSanctions";
    e.reference = id;
    e.type = type;
    for (const auto& n : values(props, "name")) {
      e.names.push_back(ListedName{n, e.names.empty() ? NameKind::kPrimary : NameKind::kAlias,
                                   AliasStrength::kStrong});
    }
    for (const auto& n : values(props, "alias"))
      e.names.push_back(ListedName{n, NameKind::kAlias, AliasStrength::kStrong});
    for (const auto& n : values(props, "weakAlias"))
      e.names.push_back(ListedName{n, NameKind::kAlias, AliasStrength::kWeak});
    for (const auto& n : values(props, "previousName"))
      e.names.push_back(ListedName{n, NameKind::kFormerName, AliasStrength::kStrong});
    if (e.names.empty()) {
      return make_error("parse", path + ":" + std::to_string(line_no) + ": " + schema + " " + id +
                                     " without a name");
    }
    for (const auto& d : values(props, "birthDate"))
      detail::add_unique(e.dates_of_birth, d.substr(0, 10));
    for (const char* key : {"nationality", "citizenship", "country", "jurisdiction"}) {
      for (const auto& c : values(props, key)) {
        if (c.size() == 2) detail::add_unique(e.countries, upper(c));
      }
    }
    for (const char* key : {"idNumber", "passportNumber", "innCode", "registrationNumber",
                            "imoNumber", "taxNumber", "ogrnCode", "swiftBic"}) {
      for (const auto& v : values(props, key)) detail::add_unique(e.identifiers, v);
    }
    for (const auto& p : values(props, "programId")) {
      if (!e.programme.empty()) e.programme += ";";
      e.programme += p;
    }
    if (obj.contains("last_change") && obj["last_change"].is_string()) {
      out.version = std::max(out.version, obj["last_change"].get<std::string>().substr(0, 10));
    }
    if (auto it = by_id.find(id); it != by_id.end()) {
      out.entries[it->second] = std::move(e);  // MOD, or a repeated ADD
      deleted[it->second] = false;
    } else {
      by_id.emplace(id, out.entries.size());
      out.entries.push_back(std::move(e));
      deleted.push_back(false);
    }
  }
  std::vector<screening::ListEntry> kept;
  for (std::size_t i = 0; i < out.entries.size(); ++i) {
    if (!deleted[i]) kept.push_back(std::move(out.entries[i]));
  }
  out.entries = std::move(kept);
  return out;
}

}  // namespace nexus::lists
