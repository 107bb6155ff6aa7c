// OFAC sdnList XML (sdn.xml, consolidated.xml): sdnEntry with akaList (strong /
// weak a.k.a.), programList, idList, addressList, dateOfBirthList, nationalityList.
#include "connectors/lists/detail/list_text.hpp"
#include "connectors/lists/detail/xml_document.hpp"
#include "connectors/lists/list_file.hpp"
#include "engine/screening/country_resolver.hpp"

#include <pugixml.hpp>

#include <filesystem>

namespace nexus::lists {
namespace {

using screening::AliasStrength;
using screening::EntryType;
using screening::ListedName;
using screening::NameKind;

// OFAC writes "LAST, First" in its own search output; here the two parts are
// separate elements. Joined as "First Last".
std::string full_name(const pugi::xml_node& n) {
  const std::string first = detail::trim(n.child_value("firstName"));
  const std::string last = detail::trim(n.child_value("lastName"));
  if (first.empty()) return last;
  if (last.empty()) return first;
  return first + " " + last;
}

}  // namespace

Result<LoadedList> load_ofac_xml(const std::string& path) {
  NEXUS_TRY(doc, detail::XmlDocument::parse(path));
  const pugi::xml_node root = doc.root().document_element();
  if (std::string_view(root.name()) != "sdnList") {
    return make_error("parse",
                      path + ": not an OFAC sdnList document (root <" + root.name() + ">)");
  }
  screening::CountryResolver countries;
  LoadedList out;
  out.format = ListFormat::kOfacXml;
  out.list = std::filesystem::path(path).filename().string().find("sdn") != std::string::npos
                 ? "OFAC-SDN"
                 : "OFAC-CONS";
  out.files = {path};
  const std::string published =
      detail::trim(root.child("publshInformation").child_value("Publish_Date"));
  if (published.size() == 10) {  // MM/DD/YYYY
    out.version =
        published.substr(6, 4) + "-" + published.substr(0, 2) + "-" + published.substr(3, 2);
  }
  for (const pugi::xml_node s : root.children("sdnEntry")) {
    screening::ListEntry e;
    e.list = out.list;
    e.reference = detail::trim(s.child_value("uid"));
    const std::string name = full_name(s);
    if (e.reference.empty() || name.empty()) {
      return make_error("parse", path + ":" + std::to_string(doc.line_of(s)) +
                                     ": sdnEntry without uid or lastName");
    }
    e.names.push_back(ListedName{name, NameKind::kPrimary, AliasStrength::kStrong});
    const std::string type = detail::trim(s.child_value("sdnType"));
    e.type = type == "Individual" ? EntryType::kPerson
             : type == "Vessel"   ? EntryType::kVessel
             : type == "Aircraft" ? EntryType::kAircraft
                                  : EntryType::kEntity;
    for (const pugi::xml_node p : s.child("programList").children("program")) {
      if (!e.programme.empty()) e.programme += ";";
      e.programme += detail::trim(p.child_value());
    }
    for (const pugi::xml_node a : s.child("akaList").children("aka")) {
      const std::string alias = full_name(a);
      if (alias.empty()) continue;
      const std::string kind = detail::trim(a.child_value("type"));
      const std::string category = detail::trim(a.child_value("category"));
      e.names.push_back(
          ListedName{alias, kind == "f.k.a." ? NameKind::kFormerName : NameKind::kAlias,
                     category == "weak" ? AliasStrength::kWeak : AliasStrength::kStrong});
    }
    for (const pugi::xml_node d : s.child("dateOfBirthList").children("dateOfBirthItem")) {
      detail::add_unique(e.dates_of_birth,
                         detail::iso_date_from_ofac(d.child_value("dateOfBirth")));
    }
    for (const pugi::xml_node n : s.child("nationalityList").children("nationality")) {
      detail::add_unique(e.countries, countries.resolve(n.child_value("country")));
    }
    for (const pugi::xml_node n : s.child("citizenshipList").children("citizenship")) {
      detail::add_unique(e.countries, countries.resolve(n.child_value("country")));
    }
    for (const pugi::xml_node a : s.child("addressList").children("address")) {
      detail::add_unique(e.countries, countries.resolve(a.child_value("country")));
    }
    for (const pugi::xml_node id : s.child("idList").children("id")) {
      const std::string number = detail::trim(id.child_value("idNumber"));
      // "Additional Sanctions Information" and URLs are notes, not identifiers.
      if (number.size() <= 40 && number.find(' ') == std::string::npos) {
        detail::add_unique(e.identifiers, number);
      }
    }
    out.entries.push_back(std::move(e));
  }
  if (out.entries.empty()) return make_error("parse", path + ": sdnList without sdnEntry");
  return out;
}

}  // namespace nexus::lists
