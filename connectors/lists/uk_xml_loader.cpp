// UK Sanctions List XML (FCDO, <Designations>): Names/Name with Name1..Name6,
// NameType ("Primary Name" / "Primary name" / "Alias"), AliasStrength,
// NonLatinNames, DOBs ("dd/mm/1968" placeholders), Nationalities, passports, IMO.
#include "connectors/lists/detail/list_text.hpp"
#include "connectors/lists/detail/xml_document.hpp"
#include "connectors/lists/list_file.hpp"
#include "engine/screening/country_resolver.hpp"

#include <pugixml.hpp>

namespace nexus::lists {
namespace {

using screening::AliasStrength;
using screening::EntryType;
using screening::ListedName;
using screening::NameKind;

// Every descendant element named `name` (the UK schema nests details by type).
template <class Fn>
void for_each_named(const pugi::xml_node& node, const char* name, Fn fn) {
  for (const pugi::xpath_node& x : node.select_nodes((std::string(".//") + name).c_str()))
    fn(x.node());
}

}  // namespace

Result<LoadedList> load_uk_xml(const std::string& path) {
  NEXUS_TRY(doc, detail::XmlDocument::parse(path));
  const pugi::xml_node root = doc.root().document_element();
  if (std::string_view(root.name()) != "Designations") {
    return make_error("parse", path + ": not a UK Sanctions List (root <" + root.name() + ">)");
  }
  screening::CountryResolver countries;
  LoadedList out;
  out.format = ListFormat::kUkXml;
  out.list = "UK";
  out.files = {path};
  out.version = detail::iso_date_from_dmy(root.child_value("DateGenerated"));
  for (const pugi::xml_node d : root.children("Designation")) {
    screening::ListEntry e;
    e.list = "UK";
    e.reference = detail::trim(d.child_value("UniqueID"));
    if (e.reference.empty()) {
      return make_error(
          "parse", path + ":" + std::to_string(doc.line_of(d)) + ": Designation without UniqueID");
    }
    const std::string kind = detail::trim(d.child_value("IndividualEntityShip"));
    e.type = kind == "Individual" ? EntryType::kPerson
             : kind == "Ship"     ? EntryType::kVessel
                                  : EntryType::kEntity;
    e.programme = detail::trim(d.child_value("RegimeName"));
    e.listed_on = detail::iso_date_from_dmy(d.child_value("DateDesignated"));
    for (const pugi::xml_node n : d.child("Names").children("Name")) {
      std::string name;
      for (const char* part : {"Name1", "Name2", "Name3", "Name4", "Name5", "Name6"}) {
        const std::string p = detail::trim(n.child_value(part));
        if (p.empty()) continue;
        if (!name.empty()) name.push_back(' ');
        name += p;
      }
      if (name.empty()) continue;
      std::string type = detail::trim(n.child_value("NameType"));
      for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const std::string strength = detail::trim(n.child_value("AliasStrength"));
      ListedName ln{name, type == "primary name" ? NameKind::kPrimary : NameKind::kAlias,
                    strength.starts_with("Low") ? AliasStrength::kWeak : AliasStrength::kStrong};
      if (ln.kind == NameKind::kPrimary) {
        e.names.insert(e.names.begin(), std::move(ln));
      } else {
        e.names.push_back(std::move(ln));
      }
    }
    if (e.names.empty()) {
      return make_error("parse", path + ":" + std::to_string(doc.line_of(d)) + ": Designation " +
                                     e.reference + " without names");
    }
    for (const pugi::xml_node n : d.child("NonLatinNames").children("NonLatinName")) {
      const std::string name = detail::trim(n.child_value("NameNonLatinScript"));
      if (!name.empty())
        e.names.push_back(ListedName{name, NameKind::kOriginalScript, AliasStrength::kStrong});
    }
    for_each_named(d, "DOB", [&](const pugi::xml_node& n) {
      detail::add_unique(e.dates_of_birth, detail::iso_date_from_dmy(n.child_value()));
    });
    for_each_named(d, "Nationality", [&](const pugi::xml_node& n) {
      detail::add_unique(e.countries, countries.resolve(detail::trim(n.child_value())));
    });
    for_each_named(d, "AddressCountry", [&](const pugi::xml_node& n) {
      detail::add_unique(e.countries, countries.resolve(detail::trim(n.child_value())));
    });
    for (const char* id : {"PassportNumber", "NationalIdentifierNumber", "IMONumber"}) {
      for_each_named(d, id, [&](const pugi::xml_node& n) {
        detail::add_unique(e.identifiers, detail::trim(n.child_value()));
      });
    }
    out.entries.push_back(std::move(e));
  }
  if (out.entries.empty()) return make_error("parse", path + ": UK list without Designation");
  return out;
}

}  // namespace nexus::lists
