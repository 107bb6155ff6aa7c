#include "engine/timezone/zone_table.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace nexus::timezone {

namespace {

// Countries whose territory spans several zones: the zone of the capital, so that a
// party known only by its country gets the clock of the country's seat of government
// (where its largest city is elsewhere in the same zone, as for US, CA, AU, BR, RU, the
// choice is the same). Capitals and the zone that covers each, from tzdata's zone.tab
// comments; an approximation for parties in the other zones (Los Angeles is 3 hours
// behind New York). AQ and UM have no capital and take zone.tab's first row.
constexpr std::pair<std::string_view, std::string_view> kCapitalZones[] = {
    {"AR", "America/Argentina/Buenos_Aires"},
    {"AU", "Australia/Sydney"},   // Canberra
    {"BR", "America/Sao_Paulo"},  // Brasilia (DF)
    {"CA", "America/Toronto"},    // Ottawa
    {"CD", "Africa/Kinshasa"},
    {"CL", "America/Santiago"},
    {"CN", "Asia/Shanghai"},  // Beijing
    {"CY", "Asia/Nicosia"},
    {"DE", "Europe/Berlin"},
    {"EC", "America/Guayaquil"},  // Quito (mainland)
    {"ES", "Europe/Madrid"},
    {"FM", "Pacific/Pohnpei"},  // Palikir
    {"GL", "America/Nuuk"},
    {"ID", "Asia/Jakarta"},
    {"KI", "Pacific/Tarawa"},
    {"KZ", "Asia/Almaty"},  // Astana is in the "most areas" zone
    {"MH", "Pacific/Majuro"},
    {"MN", "Asia/Ulaanbaatar"},
    {"MX", "America/Mexico_City"},
    {"MY", "Asia/Kuala_Lumpur"},
    {"NZ", "Pacific/Auckland"},  // Wellington
    {"PF", "Pacific/Tahiti"},    // Papeete
    {"PG", "Pacific/Port_Moresby"},
    {"PS", "Asia/Hebron"},  // West Bank (Ramallah)
    {"PT", "Europe/Lisbon"},
    {"RU", "Europe/Moscow"},
    {"UA", "Europe/Kyiv"},
    {"US", "America/New_York"},  // Washington, D.C.
    {"UZ", "Asia/Tashkent"},
};

Error missing(const std::string& path, const std::string& why) {
  return make_error("tz_database",
                    "time zone database: " + path + " " + why +
                        " (install Debian's tzdata package, or set TZDIR to a zoneinfo directory)");
}

}  // namespace

std::string ZoneTable::system_dir() {
  const char* dir = std::getenv("TZDIR");
  return dir != nullptr && *dir != '\0' ? std::string(dir) : std::string("/usr/share/zoneinfo");
}

const Result<ZoneTable>& ZoneTable::system() {
  static const Result<ZoneTable> table = load(system_dir());
  return table;
}

int ZoneTable::country_index(std::string_view country) {
  if (country.size() != 2) return -1;
  int index = 0;
  for (char c : country) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') return -1;
    index = index * 26 + (c - 'A');
  }
  return index;
}

Result<ZoneTable> ZoneTable::load(const std::string& dir) {
  ZoneTable table;
  table.dir_ = dir;
  table.by_country_.fill(kNoZone);
  table.names_.push_back("UTC");
  table.by_name_.emplace("UTC", kUtc);
  auto add_name = [&](const std::string& name) {
    if (name.empty() || table.by_name_.count(name) || table.names_.size() >= kNoZone) return;
    table.by_name_.emplace(name, static_cast<ZoneId>(table.names_.size()));
    table.names_.push_back(name);
  };

  // tzdata.zi, the database in zic's compact input form: "Z NAME ..." for a zone,
  // "L TARGET NAME" for a link (an old or alternative name), "# version 2025b" first.
  const std::string zi_path = dir + "/tzdata.zi";
  std::ifstream zi(zi_path);
  if (!zi) return missing(zi_path, "cannot be read");
  std::string line;
  while (std::getline(zi, line)) {
    if (line.rfind("# version ", 0) == 0) {
      table.version_ = line.substr(10);
      continue;
    }
    if (line.size() < 3 || line[1] != ' ' || (line[0] != 'Z' && line[0] != 'L')) continue;
    std::istringstream fields(line.substr(2));
    std::string first, second;
    fields >> first >> second;
    add_name(line[0] == 'Z' ? first : second);
  }
  if (table.names_.size() < 2) return missing(zi_path, "holds no zones");

  // zone.tab: "CC<TAB>coordinates<TAB>Zone<TAB>comment", one row per country and zone,
  // the country's principal zone first.
  const std::string tab_path = dir + "/zone.tab";
  std::ifstream tab(tab_path);
  if (!tab) return missing(tab_path, "cannot be read");
  while (std::getline(tab, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string country, coordinates, zone;
    std::getline(fields, country, '\t');
    std::getline(fields, coordinates, '\t');
    std::getline(fields, zone, '\t');
    const auto id = table.find(zone);
    if (country_index(country) < 0 || !id) continue;
    table.country_rows_[country].push_back(*id);
  }
  if (table.country_rows_.empty()) return missing(tab_path, "lists no countries");

  for (const auto& [country, rows] : table.country_rows_) {
    ZoneId chosen = rows.front();
    if (rows.size() > 1) {
      for (const auto& [capital_country, zone] : kCapitalZones) {
        const auto id = table.find(zone);
        if (capital_country == country && id &&
            std::find(rows.begin(), rows.end(), *id) != rows.end()) {
          chosen = *id;
        }
      }
    }
    table.by_country_[static_cast<size_t>(country_index(country))] = chosen;
  }
  return table;
}

std::optional<ZoneId> ZoneTable::find(std::string_view name) const {
  const auto found = by_name_.find(name);
  if (found == by_name_.end()) return std::nullopt;
  return found->second;
}

std::optional<ZoneId> ZoneTable::country_zone(std::string_view country) const {
  const int index = country_index(country);
  if (index < 0 || by_country_[static_cast<size_t>(index)] == kNoZone) return std::nullopt;
  return by_country_[static_cast<size_t>(index)];
}

std::vector<std::string_view> ZoneTable::zones_of(std::string_view country) const {
  std::vector<std::string_view> out;
  const auto found = country_rows_.find(std::string(country));
  if (found == country_rows_.end()) return out;
  for (ZoneId id : found->second) out.push_back(names_[id]);
  return out;
}

std::vector<std::string> ZoneTable::multi_zone_countries() const {
  std::vector<std::string> out;
  for (const auto& [country, rows] : country_rows_) {
    if (rows.size() > 1) out.push_back(country);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::pair<std::string_view, std::string_view>> ZoneTable::capital_zones() {
  return {std::begin(kCapitalZones), std::end(kCapitalZones)};
}

}  // namespace nexus::timezone
