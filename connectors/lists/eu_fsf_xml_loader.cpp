// EU consolidated financial sanctions list, FSF XML v1.1 (<export> of
// <sanctionEntity> with nameAlias, citizenship, birthdate, identification, address).
#include "connectors/lists/detail/list_text.hpp"
#include "connectors/lists/detail/xml_document.hpp"
#include "connectors/lists/list_file.hpp"

#include <pugixml.hpp>

namespace nexus::lists {
namespace {

using screening::AliasStrength;
using screening::EntryType;
using screening::ListedName;
using screening::NameKind;

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<LoadedList> load_eu_fsf_xml(const std::string& path) {
  NEXUS_TRY(doc, detail::XmlDocument::parse(path));
  const pugi::xml_node root = doc.root().document_element();
  if (std::string_view(root.name()) != "export") {
    return make_error("parse", path + ": not an EU FSF export (root <" + root.name() + ">)");
  }
  LoadedList out;
  out.format = ListFormat::kEuFsfXml;
  out.list = "EU";
  out.files = {path};
  out.version = std::string(root.attribute("generationDate").value()).substr(0, 10);
  for (const pugi::xml_node s : root.children("sanctionEntity")) {
    screening::ListEntry e;
    e.list = "EU";
    e.reference = detail::trim(s.attribute("euReferenceNumber").value());
    if (e.reference.empty()) e.reference = detail::trim(s.attribute("logicalId").value());
    if (e.reference.empty()) {
      return make_error("parse", path + ":" + std::to_string(doc.line_of(s)) +
                                     ": sanctionEntity without euReferenceNumber or logicalId");
    }
    const std::string code = s.child("subjectType").attribute("code").value();
    e.type = code == "person" ? EntryType::kPerson : EntryType::kEntity;
    for (const pugi::xml_node r : s.children("regulation")) {
      const std::string programme = r.attribute("programme").value();
      if (!programme.empty() && e.programme.find(programme) == std::string::npos) {
        if (!e.programme.empty()) e.programme += ";";
        e.programme += programme;
      }
    }
    for (const pugi::xml_node n : s.children("nameAlias")) {
      std::string name = detail::trim(n.attribute("wholeName").value());
      if (name.empty()) {
        name =
            detail::trim(std::string(n.attribute("firstName").value()) + " " +
                         n.attribute("middleName").value() + " " + n.attribute("lastName").value());
      }
      if (name.empty()) continue;
      const bool strong = std::string_view(n.attribute("strong").value()) != "false";
      e.names.push_back(ListedName{name, e.names.empty() ? NameKind::kPrimary : NameKind::kAlias,
                                   strong ? AliasStrength::kStrong : AliasStrength::kWeak});
    }
    if (e.names.empty()) {
      return make_error("parse", path + ":" + std::to_string(doc.line_of(s)) + ": sanctionEntity " +
                                     e.reference + " without nameAlias");
    }
    for (const pugi::xml_node c : s.children("citizenship")) {
      detail::add_unique(e.countries, upper(c.attribute("countryIso2Code").value()));
    }
    for (const pugi::xml_node a : s.children("address")) {
      const std::string iso = upper(a.attribute("countryIso2Code").value());
      if (iso != "00") detail::add_unique(e.countries, iso);
    }
    for (const pugi::xml_node b : s.children("birthdate")) {
      std::string d = b.attribute("birthdate").value();
      if (d.empty()) d = b.attribute("year").value();
      detail::add_unique(e.dates_of_birth, detail::iso_date_from_dmy(d));
    }
    for (const pugi::xml_node i : s.children("identification")) {
      detail::add_unique(e.identifiers, detail::trim(i.attribute("number").value()));
    }
    out.entries.push_back(std::move(e));
  }
  if (out.entries.empty()) return make_error("parse", path + ": EU export without sanctionEntity");
  return out;
}

}  // namespace nexus::lists
