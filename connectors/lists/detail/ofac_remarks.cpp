#include "connectors/lists/detail/ofac_remarks.hpp"

#include "connectors/lists/detail/list_text.hpp"

#include <cctype>
#include <string>
#include <vector>

namespace nexus::lists::detail {
namespace {

using screening::AliasStrength;
using screening::ListedName;
using screening::NameKind;

// Splits on ';' outside single quotes (alias names contain ';' rarely, '.' often).
std::vector<std::string> split_items(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\'') {
      // An apostrophe inside a word (O'Brien) is not a quote.
      const bool word_before = i > 0 && std::isalpha(static_cast<unsigned char>(s[i - 1]));
      const bool word_after =
          i + 1 < s.size() && std::isalpha(static_cast<unsigned char>(s[i + 1]));
      if (!(word_before && word_after)) quoted = !quoted;
    }
    if (c == ';' && !quoted) {
      out.push_back(trim(cur));
      cur.clear();
      continue;
    }
    cur.push_back(c);
  }
  out.push_back(trim(cur));
  return out;
}

std::string strip_prefix(const std::string& item, std::string_view prefix) {
  return trim(std::string_view(item).substr(prefix.size()));
}

// The identifier in "Passport 1084010 (Egypt)": the first word with a digit.
std::string first_number(std::string_view s) {
  std::string word;
  auto flush = [&word]() -> bool {
    for (char c : word) {
      if (std::isdigit(static_cast<unsigned char>(c))) return true;
    }
    word.clear();
    return false;
  };
  for (char c : s) {
    if (c == ' ' || c == '(' || c == ',') {
      if (flush()) return word;
      continue;
    }
    word.push_back(c);
  }
  if (flush()) {
    while (!word.empty() && (word.back() == '.' || word.back() == ')')) word.pop_back();
    return word;
  }
  return {};
}

}  // namespace

void apply_ofac_remarks(std::string_view remarks, const screening::CountryResolver& countries,
                        screening::ListEntry& entry) {
  for (std::string item : split_items(remarks)) {
    while (!item.empty() && item.back() == '.') item.pop_back();
    if (item.starts_with("alt. ")) item = strip_prefix(item, "alt. ");
    if (item.starts_with("a.k.a. ") || item.starts_with("f.k.a. ") || item.starts_with("n.k.a. ")) {
      const bool former = item[0] == 'f';
      std::string name = strip_prefix(item, "a.k.a. ");
      if (name.size() >= 2 && name.front() == '\'') {
        const auto close = name.find('\'', name.size() - 1);
        name = name.substr(1, close == std::string::npos ? std::string::npos : close - 1);
      }
      name = trim(name);
      if (!name.empty()) {
        entry.names.push_back(ListedName{name, former ? NameKind::kFormerName : NameKind::kAlias,
                                         AliasStrength::kStrong});
      }
    } else if (item.starts_with("DOB ")) {
      add_unique(entry.dates_of_birth, iso_date_from_ofac(strip_prefix(item, "DOB ")));
    } else if (item.starts_with("nationality ")) {
      add_unique(entry.countries, countries.resolve(strip_prefix(item, "nationality ")));
    } else if (item.starts_with("citizen ")) {
      add_unique(entry.countries, countries.resolve(strip_prefix(item, "citizen ")));
    } else if (item.starts_with("Passport ") || item.find("ID No.") != std::string::npos ||
               item.find("IMO ") != std::string::npos || item.starts_with("Cedula No.") ||
               item.starts_with("Registration ID") || item.starts_with("RUC #") ||
               item.starts_with("NIT #") || item.starts_with("C.U.R.P.")) {
      add_unique(entry.identifiers, first_number(item));
    }
  }
}

}  // namespace nexus::lists::detail
