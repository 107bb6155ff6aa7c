// UN Security Council Consolidated List XML. Parsed leniently: neither real file
// validates against the 2018 XSD (NOTE inside aliases, address child order), so
// elements are read by name wherever they appear.
#include "connectors/lists/detail/list_text.hpp"
#include "connectors/lists/detail/xml_document.hpp"
#include "connectors/lists/list_file.hpp"
#include "engine/screening/country_resolver.hpp"

#include <pugixml.hpp>

#include <algorithm>

namespace nexus::lists {
namespace {

using screening::AliasStrength;
using screening::EntryType;
using screening::ListedName;
using screening::NameKind;

std::string text_of(const pugi::xml_node& node, const char* child) {
  return detail::trim(node.child_value(child));
}

// Adds each name packed in text ("X (Y; Z)"); a lone acronym in parentheses is weak.
void add_names(screening::ListEntry& entry, const std::string& text, NameKind kind,
               AliasStrength strength) {
  const auto names = detail::split_packed_names(text);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const bool acronym = i > 0 && names[i].find(' ') == std::string::npos && names[i].size() <= 6;
    ListedName n{names[i], i == 0 ? kind : (kind == NameKind::kPrimary ? NameKind::kAlias : kind),
                 acronym ? AliasStrength::kWeak : strength};
    if (std::find(entry.names.begin(), entry.names.end(), n) == entry.names.end()) {
      entry.names.push_back(std::move(n));
    }
  }
}

void add_alias(screening::ListEntry& entry, const pugi::xml_node& alias) {
  const std::string name = detail::trim(alias.child_value("ALIAS_NAME"));
  if (name.empty()) return;
  const std::string quality = detail::trim(alias.child_value("QUALITY"));
  add_names(entry, name, quality == "f.k.a." ? NameKind::kFormerName : NameKind::kAlias,
            quality == "Low" ? AliasStrength::kWeak : AliasStrength::kStrong);
}

}  // namespace

Result<LoadedList> load_un_xml(const std::string& path) {
  NEXUS_TRY(doc, detail::XmlDocument::parse(path));
  const pugi::xml_node root = doc.root().child("CONSOLIDATED_LIST");
  if (!root)
    return make_error("parse", path + ": not a UN consolidated list (no CONSOLIDATED_LIST)");
  screening::CountryResolver countries;
  LoadedList out;
  out.list = "UN";
  out.format = ListFormat::kUnXml;
  out.files = {path};
  out.version = detail::trim(root.attribute("dateGenerated").value()).substr(0, 10);

  auto read_common = [&](const pugi::xml_node& node,
                         EntryType type) -> Result<screening::ListEntry> {
    screening::ListEntry e;
    e.list = "UN";
    e.type = type;
    e.reference = text_of(node, "REFERENCE_NUMBER");
    e.programme = text_of(node, "UN_LIST_TYPE");
    e.listed_on = text_of(node, "LISTED_ON");
    std::string primary;
    for (const char* part : {"FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"}) {
      const std::string p = text_of(node, part);
      if (p.empty()) continue;
      if (!primary.empty()) primary.push_back(' ');
      primary += p;
    }
    if (e.reference.empty() || primary.empty()) {
      return make_error("parse", path + ":" + std::to_string(doc.line_of(node)) + ": " +
                                     node.name() + " without " +
                                     (e.reference.empty() ? "REFERENCE_NUMBER" : "FIRST_NAME"));
    }
    add_names(e, primary, NameKind::kPrimary, AliasStrength::kStrong);
    const std::string original = text_of(node, "NAME_ORIGINAL_SCRIPT");
    if (!original.empty())
      add_names(e, original, NameKind::kOriginalScript, AliasStrength::kStrong);
    return e;
  };

  for (const pugi::xml_node ind : root.child("INDIVIDUALS").children("INDIVIDUAL")) {
    NEXUS_TRY(e, read_common(ind, EntryType::kPerson));
    for (const pugi::xml_node alias : ind.children("INDIVIDUAL_ALIAS")) add_alias(e, alias);
    for (const pugi::xml_node nat : ind.children("NATIONALITY")) {
      for (const pugi::xml_node v : nat.children("VALUE")) {
        detail::add_unique(e.countries, countries.resolve(detail::trim(v.child_value())));
      }
    }
    for (const pugi::xml_node dob : ind.children("INDIVIDUAL_DATE_OF_BIRTH")) {
      detail::add_unique(e.dates_of_birth, detail::iso_date_from_dmy(dob.child_value("DATE")));
      for (const char* y : {"YEAR", "FROM_YEAR", "TO_YEAR"}) {
        detail::add_unique(e.dates_of_birth, detail::iso_date_from_dmy(dob.child_value(y)));
      }
    }
    for (const pugi::xml_node doc_node : ind.children("INDIVIDUAL_DOCUMENT")) {
      detail::add_unique(e.identifiers, detail::trim(doc_node.child_value("NUMBER")));
    }
    for (const pugi::xml_node addr : ind.children("INDIVIDUAL_ADDRESS")) {
      detail::add_unique(e.countries, countries.resolve(detail::trim(addr.child_value("COUNTRY"))));
    }
    out.entries.push_back(std::move(e));
  }
  for (const pugi::xml_node ent : root.child("ENTITIES").children("ENTITY")) {
    NEXUS_TRY(e, read_common(ent, EntryType::kEntity));
    for (const pugi::xml_node alias : ent.children("ENTITY_ALIAS")) add_alias(e, alias);
    for (const pugi::xml_node addr : ent.children("ENTITY_ADDRESS")) {
      detail::add_unique(e.countries, countries.resolve(detail::trim(addr.child_value("COUNTRY"))));
    }
    out.entries.push_back(std::move(e));
  }
  if (out.entries.empty())
    return make_error("parse", path + ": UN list without any INDIVIDUAL or ENTITY");
  return out;
}

}  // namespace nexus::lists
