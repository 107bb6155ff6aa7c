// OFAC SDN / consolidated CSV trio: sdn.csv (or cons_prim.csv) with alt.csv,
// add.csv and sdn_comments.csv read from the same folder when present. CRLF,
// trailing 0x1A, "-0- " for empty.
#include "connectors/lists/detail/csv_reader.hpp"
#include "connectors/lists/detail/list_text.hpp"
#include "connectors/lists/detail/ofac_remarks.hpp"
#include "connectors/lists/list_file.hpp"
#include "engine/screening/country_resolver.hpp"

#include <filesystem>
#include <unordered_map>

namespace nexus::lists {
namespace {

using screening::AliasStrength;
using screening::EntryType;
using screening::ListedName;
using screening::NameKind;

bool numeric(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Sibling file of the trio ("sdn.csv" -> "alt.csv"; "cons_prim.csv" -> "cons_alt.csv").
std::string sibling(const std::filesystem::path& primary, const std::string& part) {
  const std::string file = primary.filename().string();
  std::string name;
  if (file == "sdn.csv" || file == "SDN.CSV") {
    name = part == "comments" ? "sdn_comments.csv" : part + ".csv";
  } else if (file == "cons_prim.csv") {
    name = "cons_" + part + ".csv";
  } else {
    return {};
  }
  const auto p = primary.parent_path() / name;
  return std::filesystem::exists(p) ? p.string() : std::string();
}

// Reads every record of a CSV file, calling on_row(fields, line).
template <class OnRow>
Result<bool> for_each_row(const std::string& path, OnRow on_row) {
  NEXUS_TRY(text, read_file(path));
  detail::CsvReader reader(text, ',');
  std::vector<std::string> fields;
  while (reader.next(fields)) {
    if (reader.unterminated_quote()) {
      return make_error("parse",
                        path + ":" + std::to_string(reader.line()) + ": unterminated quoted field");
    }
    NEXUS_TRY(on_row(fields, reader.line()));
  }
  return true;
}

}  // namespace

Result<LoadedList> load_ofac_csv(const std::string& sdn_path) {
  const std::filesystem::path primary(sdn_path);
  screening::CountryResolver countries;
  LoadedList out;
  out.format = ListFormat::kOfacCsv;
  out.list =
      primary.filename().string().find("cons") != std::string::npos ? "OFAC-CONS" : "OFAC-SDN";
  out.files = {sdn_path};
  std::unordered_map<std::string, std::size_t> by_id;
  std::unordered_map<std::string, std::string> remarks;

  NEXUS_TRY(for_each_row(
      sdn_path, [&](const std::vector<std::string>& f, std::size_t line) -> Result<bool> {
        if (f.size() < 4 || !numeric(detail::clean_field(f[0]))) {
          return make_error(
              "parse",
              sdn_path + ":" + std::to_string(line) +
                  ": expected an OFAC SDN row (ent_num,SDN_Name,SDN_Type,Program,...), got " +
                  std::to_string(f.size()) + " field(s)");
        }
        screening::ListEntry e;
        e.list = out.list;
        e.reference = detail::clean_field(f[0]);
        const std::string name = detail::clean_field(f[1]);
        if (name.empty()) {
          return make_error("parse", sdn_path + ":" + std::to_string(line) + ": empty SDN_Name");
        }
        e.names.push_back(ListedName{name, NameKind::kPrimary, AliasStrength::kStrong});
        const std::string type = detail::clean_field(f[2]);
        e.type = type == "individual" ? EntryType::kPerson
                 : type == "vessel"   ? EntryType::kVessel
                 : type == "aircraft" ? EntryType::kAircraft
                                      : EntryType::kEntity;
        e.programme = detail::clean_field(f[3]);
        if (f.size() > 11) remarks[e.reference] = detail::clean_field(f[11]);
        by_id.emplace(e.reference, out.entries.size());
        out.entries.push_back(std::move(e));
        return true;
      }));
  if (out.entries.empty()) return make_error("parse", sdn_path + ": no OFAC records");

  if (const std::string path = sibling(primary, "comments"); !path.empty()) {
    out.files.push_back(path);
    NEXUS_TRY(
        for_each_row(path, [&](const std::vector<std::string>& f, std::size_t) -> Result<bool> {
          if (f.size() >= 2) remarks[detail::clean_field(f[0])] += " " + detail::clean_field(f[1]);
          return true;
        }));
  }
  for (auto& e : out.entries) {
    auto it = remarks.find(e.reference);
    if (it != remarks.end()) detail::apply_ofac_remarks(it->second, countries, e);
  }
  if (const std::string path = sibling(primary, "alt"); !path.empty()) {
    out.files.push_back(path);
    NEXUS_TRY(for_each_row(
        path, [&](const std::vector<std::string>& f, std::size_t line) -> Result<bool> {
          if (f.size() < 4) {
            return make_error("parse",
                              path + ":" + std::to_string(line) + ": expected 5 fields in alt row");
          }
          auto it = by_id.find(detail::clean_field(f[0]));
          if (it == by_id.end()) return true;  // alias of an entry not in this file: skip
          const std::string name = detail::clean_field(f[3]);
          if (name.empty()) return true;
          const std::string type = detail::clean_field(f[2]);
          const std::string alt_remarks = f.size() > 4 ? detail::clean_field(f[4]) : "";
          out.entries[it->second].names.push_back(
              ListedName{name, type == "fka" ? NameKind::kFormerName : NameKind::kAlias,
                         alt_remarks.find("weak") != std::string::npos ? AliasStrength::kWeak
                                                                       : AliasStrength::kStrong});
          return true;
        }));
  }
  if (const std::string path = sibling(primary, "add"); !path.empty()) {
    out.files.push_back(path);
    NEXUS_TRY(
        for_each_row(path, [&](const std::vector<std::string>& f, std::size_t) -> Result<bool> {
          if (f.size() < 5) return true;
          auto it = by_id.find(detail::clean_field(f[0]));
          if (it == by_id.end()) return true;
          detail::add_unique(out.entries[it->second].countries,
                             countries.resolve(detail::clean_field(f[4])));
          return true;
        }));
  }
  return out;
}

}  // namespace nexus::lists
