#include "engine/screening/country_resolver.hpp"

#include <unicode/locid.h>
#include <unicode/uloc.h>
#include <unicode/unistr.h>

#include <cctype>

namespace nexus::screening {
namespace {

// Lower-case, letters only: "Iran (Islamic Republic of)" -> "iranislamicrepublicof".
std::string key_of(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

}  // namespace

CountryResolver::CountryResolver() {
  for (const char* const* code = uloc_getISOCountries(); *code != nullptr; ++code) {
    icu::Locale region("", *code);
    icu::UnicodeString name;
    region.getDisplayCountry(icu::Locale::getEnglish(), name);
    std::string utf8;
    name.toUTF8String(utf8);
    by_key_.emplace(key_of(utf8), *code);
    by_key_.emplace(key_of(*code), *code);
    const char* alpha3 = region.getISO3Country();
    if (alpha3 != nullptr && *alpha3 != '\0') by_key_.emplace(key_of(alpha3), *code);
  }
  // Long forms used by the UN and OFAC lists that differ from ICU's short names.
  static const std::pair<const char*, const char*> kLongForms[] = {
      {"Syrian Arab Republic", "SY"},
      {"Iran (Islamic Republic of)", "IR"},
      {"Iran, Islamic Republic of", "IR"},
      {"Russian Federation", "RU"},
      {"United States of America", "US"},
      {"United Kingdom of Great Britain and Northern Ireland", "GB"},
      {"United Kingdom", "GB"},
      {"Democratic People's Republic of Korea", "KP"},
      {"Korea, North", "KP"},
      {"North Korea", "KP"},
      {"Republic of Korea", "KR"},
      {"Korea, South", "KR"},
      {"Viet Nam", "VN"},
      {"Lao People's Democratic Republic", "LA"},
      {"Libyan Arab Jamahiriya", "LY"},
      {"Bolivia (Plurinational State of)", "BO"},
      {"Venezuela (Bolivarian Republic of)", "VE"},
      {"United Republic of Tanzania", "TZ"},
      {"Democratic Republic of the Congo", "CD"},
      {"Congo, Democratic Republic of the", "CD"},
      {"Republic of Moldova", "MD"},
      {"State of Palestine", "PS"},
      {"Palestinian", "PS"},
      {"Burma", "MM"},
      {"Turkey", "TR"},
      {"Ivory Coast", "CI"},
      {"Cote d'Ivoire", "CI"},
      {"Czech Republic", "CZ"},
      {"Macedonia", "MK"},
      {"Swaziland", "SZ"},
      {"Gaza", "PS"},
      {"West Bank", "PS"},
      {"Kosovo", "XK"},
  };
  for (const auto& [name, code] : kLongForms) by_key_.emplace(key_of(name), code);
}

std::string CountryResolver::resolve(std::string_view name_or_code) const {
  auto it = by_key_.find(key_of(name_or_code));
  return it == by_key_.end() ? std::string() : it->second;
}

}  // namespace nexus::screening
