// Calendar arithmetic shared by every parser of dates (RFC 3339, CSV time formats,
// the IBM patterns listing): no time zones, no locale, no libc state.
#pragma once

#include <cstdint>

namespace nexus {

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
inline int64_t days_from_civil(int64_t year, int64_t month, int64_t day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

}  // namespace nexus
