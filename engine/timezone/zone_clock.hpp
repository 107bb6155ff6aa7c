// ZoneClock: the local clock time of an instant in a zone of a ZoneTable, with the
// zones' rules (offsets and daylight-saving transitions) loaded on first use and
// cached. One instance per thread (not thread-safe); the table must outlive it.
#pragma once

#include "engine/timezone/zone_table.hpp"

#include <cstdint>
#include <memory>
#include <string_view>

namespace nexus::timezone {

/// What a clock on the wall of a place showed at one instant.
struct LocalTime {
  int64_t local_ms = 0;      // the instant in ms since the epoch, shifted by the offset
  int32_t utc_offset_s = 0;  // offset from UTC in force then, daylight saving included
  bool dst = false;          // daylight saving (summer) time in force
  int hour = 0;              // 0-23
  int minute = 0;            // 0-59
  int weekday = 0;           // 0 = Monday ... 6 = Sunday
  ZoneId zone = kUtc;
};

/// Local times per zone. Each zone's rules are read once (Abseil's time library, from
/// the TZif file of the system's tz database), then every instant inside the last
/// span between two transitions seen for that zone costs an array index and integer
/// arithmetic; an instant outside it one lookup in the zone's transition list.
class ZoneClock {
 public:
  explicit ZoneClock(const ZoneTable& table);
  ~ZoneClock();
  ZoneClock(const ZoneClock&) = delete;
  ZoneClock& operator=(const ZoneClock&) = delete;

  /// The local time of `utc_ms` in `zone`. A zone whose file cannot be read (the
  /// database changed under a running process) reads as UTC.
  LocalTime at(ZoneId zone, int64_t utc_ms);

  const ZoneTable& table() const { return table_; }

  /// The clock fields of an instant at a fixed offset (UTC for 0).
  static LocalTime at_offset(int64_t utc_ms, int32_t offset_s);

 private:
  struct Impl;
  const ZoneTable& table_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nexus::timezone
