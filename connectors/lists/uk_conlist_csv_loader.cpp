// UK HM Treasury / OFSI Consolidated List of Targets, CSV. Windows-1252 (decoded
// unless the bytes already are UTF-8), a "Last Updated" line above the header,
// one row per name variant joined by Group ID, "00/00/1980" for unknown day/month.
#include "connectors/lists/detail/csv_reader.hpp"
#include "connectors/lists/detail/list_text.hpp"
#include "connectors/lists/list_file.hpp"
#include "engine/screening/country_resolver.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace nexus::lists {
namespace {

using screening::AliasStrength;
using screening::EntryType;
using screening::ListedName;
using screening::NameKind;

// "1) Saudi Arabia 2) Qatar" -> {"Saudi Arabia", "Qatar"}.
std::vector<std::string> numbered_items(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i])) && i + 1 < s.size() && s[i + 1] == ')') {
      if (!detail::trim(cur).empty()) out.push_back(detail::trim(cur));
      cur.clear();
      ++i;
      continue;
    }
    cur.push_back(s[i]);
  }
  if (!detail::trim(cur).empty()) out.push_back(detail::trim(cur));
  return out;
}

}  // namespace

Result<LoadedList> load_uk_conlist_csv(const std::string& path) {
  NEXUS_TRY(raw, read_file(path));
  const std::string text = detail::is_valid_utf8(raw) ? raw : detail::windows1252_to_utf8(raw);
  screening::CountryResolver countries;
  LoadedList out;
  out.format = ListFormat::kUkConListCsv;
  out.list = "UK";
  out.files = {path};
  detail::CsvReader reader(text, ',');
  std::vector<std::string> fields;
  std::unordered_map<std::string, std::size_t> col;
  while (reader.next(fields)) {
    if (!fields.empty() && fields[0] == "Last Updated") {
      if (fields.size() > 1) out.version = detail::iso_date_from_dmy(fields[1]);
      continue;
    }
    for (std::size_t i = 0; i < fields.size(); ++i) col[detail::trim(fields[i])] = i;
    break;
  }
  for (const char* required : {"Name 6", "Group ID", "Alias Type", "Group Type"}) {
    if (!col.count(required)) {
      return make_error("parse", path + ":" + std::to_string(reader.line()) +
                                     ": UK ConList header lacks column '" + required + "'");
    }
  }
  auto get = [&](const std::vector<std::string>& f, const char* name) -> std::string {
    auto it = col.find(name);
    return it != col.end() && it->second < f.size() ? detail::trim(f[it->second]) : std::string();
  };
  std::unordered_map<std::string, std::size_t> by_group;
  while (reader.next(fields)) {
    if (reader.unterminated_quote()) {
      return make_error("parse",
                        path + ":" + std::to_string(reader.line()) + ": unterminated quoted field");
    }
    const std::string group = get(fields, "Group ID");
    if (group.empty()) {
      return make_error("parse",
                        path + ":" + std::to_string(reader.line()) + ": row without Group ID");
    }
    std::string name;
    for (const char* part : {"Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6"}) {
      const std::string p = get(fields, part);
      if (p.empty()) continue;
      if (!name.empty()) name.push_back(' ');
      name += p;
    }
    auto [it, inserted] = by_group.emplace(group, out.entries.size());
    if (inserted) {
      screening::ListEntry e;
      e.list = "UK";
      e.reference = group;
      const std::string type = get(fields, "Group Type");
      e.type = type == "Individual" ? EntryType::kPerson
               : type == "Ship"     ? EntryType::kVessel
                                    : EntryType::kEntity;
      e.programme = get(fields, "Regime");
      e.listed_on = detail::iso_date_from_dmy(get(fields, "Listed On"));
      out.entries.push_back(std::move(e));
    }
    screening::ListEntry& e = out.entries[it->second];
    const std::string alias_type = get(fields, "Alias Type");
    if (!name.empty()) {
      ListedName ln{name,
                    alias_type == "Prime Alias" || alias_type == "Primary name" ? NameKind::kPrimary
                    : alias_type == "FKA" ? NameKind::kFormerName
                                          : NameKind::kAlias,
                    AliasStrength::kStrong};
      const bool dup = std::find(e.names.begin(), e.names.end(), ln) != e.names.end();
      if (!dup) {
        if (ln.kind == NameKind::kPrimary) {
          e.names.insert(e.names.begin(), std::move(ln));
        } else {
          e.names.push_back(std::move(ln));
        }
      }
    }
    detail::add_unique(e.dates_of_birth, detail::iso_date_from_dmy(get(fields, "DOB")));
    for (const auto& n : numbered_items(get(fields, "Nationality"))) {
      detail::add_unique(e.countries, countries.resolve(n));
    }
    detail::add_unique(e.countries, countries.resolve(get(fields, "Country")));
  }
  if (out.entries.empty()) return make_error("parse", path + ": UK ConList without rows");
  for (const auto& e : out.entries) {
    if (e.names.empty())
      return make_error("parse", path + ": Group ID " + e.reference + " without any name");
  }
  return out;
}

}  // namespace nexus::lists
