// ZoneTable: which time zones exist and which zone a country's clocks follow, read
// from the IANA tz database the system has (Debian's tzdata package). Immutable once
// loaded; safe to read from any thread.
#pragma once

#include "base/result.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nexus::timezone {

/// A zone of one ZoneTable, by index; kUtc is always there.
using ZoneId = uint16_t;
inline constexpr ZoneId kUtc = 0;

/// The tz database's names and the country -> zone rule.
///
/// Names come from `tzdata.zi` (every Zone and Link line, so "US/Eastern" is known as
/// well as "America/New_York"), countries from `zone.tab` (one row per country and
/// zone). A country with one zone gets it; one with several gets the zone of its
/// capital (kCapitalZones in zone_table.cpp: "America/New_York" for US,
/// "Europe/Moscow" for RU, "America/Sao_Paulo" for BR: an approximation for the
/// other zones); one with several and no capital entry (AQ, UM) the first zone
/// zone.tab lists for it; an unknown country none (the caller takes UTC).
/// Cost: load reads two text files (about 1 ms); every lookup is a hash or an array
/// index. The zones' rules are loaded by ZoneClock, per thread.
class ZoneTable {
 public:
  /// Reads `dir`/tzdata.zi and `dir`/zone.tab. Errors (code "tz_database"): a file
  /// that is missing or holds no zones, with what to install.
  static Result<ZoneTable> load(const std::string& dir);

  /// The directory the process reads zones from: $TZDIR if set, else
  /// /usr/share/zoneinfo (Abseil's time library reads the same).
  static std::string system_dir();

  /// The table of system_dir(), loaded once on first use (as std::chrono::get_tzdb()
  /// is): the one process-wide instance, immutable. Holds the load error when the
  /// database is missing; callers then treat every zone as unknown.
  static const Result<ZoneTable>& system();

  /// The zone named `name` ("America/Bogota", "UTC"), or nullopt when the database
  /// has no such zone. Names are case-sensitive, as in the database.
  std::optional<ZoneId> find(std::string_view name) const;

  /// The zone of ISO 3166-1 alpha-2 `country` (upper or lower case) by the rule
  /// above, or nullopt when the database lists no zone for it.
  std::optional<ZoneId> country_zone(std::string_view country) const;

  /// The IANA name of `zone` ("UTC" for kUtc); valid as long as the table.
  const std::string& name(ZoneId zone) const { return names_[zone]; }
  size_t size() const { return names_.size(); }

  /// The database's version, e.g. "2025b" (from tzdata.zi), or "unknown".
  const std::string& version() const { return version_; }
  const std::string& dir() const { return dir_; }

  /// The zones zone.tab lists for `country` (upper case), in its order.
  std::vector<std::string_view> zones_of(std::string_view country) const;

  /// Countries zone.tab lists with more than one zone (upper case, sorted).
  std::vector<std::string> multi_zone_countries() const;

  /// The capital zone rule's table: (country, zone) pairs.
  static std::vector<std::pair<std::string_view, std::string_view>> capital_zones();

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static int country_index(std::string_view country);

  std::string dir_;
  std::string version_ = "unknown";
  std::vector<std::string> names_;
  std::unordered_map<std::string, ZoneId, NameHash, std::equal_to<>> by_name_;
  static constexpr ZoneId kNoZone = 0xFFFF;
  std::array<ZoneId, 26 * 26> by_country_{};
  std::unordered_map<std::string, std::vector<ZoneId>> country_rows_;
};

}  // namespace nexus::timezone
