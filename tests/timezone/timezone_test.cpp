#include "engine/timezone/event_zone.hpp"
#include "engine/timezone/zone_clock.hpp"
#include "engine/timezone/zone_table.hpp"

#include "base/civil_time.hpp"
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace {

using nexus::timezone::event_zone;
using nexus::timezone::LocalTime;
using nexus::timezone::ZoneClock;
using nexus::timezone::ZoneId;
using nexus::timezone::ZoneSource;
using nexus::timezone::ZoneTable;

// Milliseconds since the epoch of a UTC civil time.
int64_t utc(int year, int month, int day, int hour, int minute) {
  return ((nexus::days_from_civil(year, month, day) * 24 + hour) * 60 + minute) * 60'000;
}

const ZoneTable& table() {
  const auto& loaded = ZoneTable::system();
  if (!loaded) ADD_FAILURE() << loaded.error().message;
  return loaded.value();
}

ZoneId zone(const char* name) {
  const auto id = table().find(name);
  EXPECT_TRUE(id.has_value()) << name;
  return id.value_or(nexus::timezone::kUtc);
}

// "HH:MM offset_minutes" of an instant in a zone.
std::string clock_text(ZoneClock& clock, const char* name, int64_t utc_ms) {
  const LocalTime local = clock.at(zone(name), utc_ms);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%02d:%02d %+d%s", local.hour, local.minute,
                local.utc_offset_s / 60, local.dst ? " dst" : "");
  return buffer;
}

TEST(ZoneTable, LoadsTheSystemDatabaseWithItsVersion) {
  ASSERT_TRUE(ZoneTable::system()) << ZoneTable::system().error().message;
  EXPECT_NE(table().version(), "unknown");
  EXPECT_GT(table().size(), 300u);
  EXPECT_TRUE(table().find("America/Bogota"));
  EXPECT_TRUE(table().find("US/Eastern")) << "links (old names) are zones too";
  EXPECT_TRUE(table().find("UTC"));
  EXPECT_FALSE(table().find("America/Bogata"));
  EXPECT_FALSE(table().find("america/bogota")) << "names are case-sensitive";
  EXPECT_FALSE(table().find("localtime")) << "the machine's own zone is not an event's";
  EXPECT_FALSE(table().find("/etc/passwd"));
  EXPECT_FALSE(table().find(""));
}

TEST(ZoneTable, MissingDatabaseIsAClearError) {
  const auto loaded = ZoneTable::load("/nonexistent/zoneinfo");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, "tz_database");
  EXPECT_NE(loaded.error().message.find("/nonexistent/zoneinfo/tzdata.zi"), std::string::npos);
  EXPECT_NE(loaded.error().message.find("tzdata"), std::string::npos);
}

TEST(ZoneTable, SingleZoneCountriesGetTheirZone) {
  EXPECT_EQ(table().name(table().country_zone("CO").value()), "America/Bogota");
  EXPECT_EQ(table().name(table().country_zone("IN").value()), "Asia/Kolkata");
  EXPECT_EQ(table().name(table().country_zone("NP").value()), "Asia/Kathmandu");
  EXPECT_EQ(table().name(table().country_zone("sy").value()), "Asia/Damascus") << "lower case";
}

TEST(ZoneTable, MultiZoneCountriesGetTheZoneOfTheirCapital) {
  EXPECT_EQ(table().name(table().country_zone("US").value()), "America/New_York");
  EXPECT_EQ(table().name(table().country_zone("BR").value()), "America/Sao_Paulo");
  EXPECT_EQ(table().name(table().country_zone("RU").value()), "Europe/Moscow");
  EXPECT_EQ(table().name(table().country_zone("AU").value()), "Australia/Sydney");
  EXPECT_EQ(table().name(table().country_zone("MX").value()), "America/Mexico_City");
  // Zone.tab lists Kaliningrad and Noronha first: the capital rule, not the file's order.
  EXPECT_EQ(table().zones_of("RU").front(), "Europe/Kaliningrad");
  EXPECT_EQ(table().zones_of("BR").front(), "America/Noronha");
}

TEST(ZoneTable, CapitalTableCoversEveryMultiZoneCountryOfTheDatabase) {
  std::set<std::string> covered;
  for (const auto& [country, name] : ZoneTable::capital_zones()) {
    const auto zones = table().zones_of(country);
    EXPECT_NE(std::find(zones.begin(), zones.end(), name), zones.end())
        << name << " is not a zone of " << country << " in tzdata " << table().version();
    EXPECT_EQ(table().name(table().country_zone(country).value()), name);
    covered.insert(std::string(country));
  }
  // A tzdata update that splits a country shows here: add its capital's zone.
  for (const auto& country : table().multi_zone_countries()) {
    if (country == "AQ" || country == "UM") continue;  // no capital: zone.tab's first row
    EXPECT_TRUE(covered.count(country)) << country << " has several zones and no capital entry";
  }
  EXPECT_EQ(table().name(table().country_zone("UM").value()), table().zones_of("UM").front());
}

TEST(ZoneTable, UnknownCountriesHaveNoZone) {
  EXPECT_FALSE(table().country_zone("XX"));
  EXPECT_FALSE(table().country_zone(""));
  EXPECT_FALSE(table().country_zone("U1"));
  EXPECT_FALSE(table().country_zone("USA"));
}

// Expected wall clocks of instants in one zone, asked in order through one clock (so
// the later ones run through its cached span).
struct Reading {
  int64_t utc_ms;
  const char* clock;
};
void expect_readings(const char* zone_name, const std::vector<Reading>& readings) {
  ZoneClock clock(table());
  for (const auto& reading : readings) {
    EXPECT_EQ(clock_text(clock, zone_name, reading.utc_ms), reading.clock)
        << zone_name << " at " << reading.utc_ms;
  }
}

TEST(ZoneClock, NewYorkSpringsForwardOnTheSecondSundayOfMarch2026) {
  expect_readings("America/New_York", {{utc(2026, 3, 8, 6, 59), "01:59 -300"},
                                       {utc(2026, 3, 8, 7, 0), "03:00 -240 dst"},
                                       // back before the change once the new offset is cached
                                       {utc(2026, 3, 8, 6, 59), "01:59 -300"}});
}

TEST(ZoneClock, NewYorkFallsBackOnTheFirstSundayOfNovember2026) {
  expect_readings("America/New_York", {{utc(2026, 11, 1, 5, 59), "01:59 -240 dst"},
                                       {utc(2026, 11, 1, 6, 0), "01:00 -300"},
                                       {utc(2026, 11, 1, 6, 59), "01:59 -300"},
                                       {utc(2026, 11, 1, 7, 0), "02:00 -300"}});
}

TEST(ZoneClock, SouthernHemisphereSummerIsInJanuary) {
  // Sydney: AEDT (+11) until 2026-04-05 03:00 local, AEST (+10) until 2026-10-04 02:00.
  expect_readings("Australia/Sydney", {{utc(2026, 1, 15, 12, 0), "23:00 +660 dst"},
                                       {utc(2026, 4, 4, 15, 59), "02:59 +660 dst"},
                                       {utc(2026, 4, 4, 16, 0), "02:00 +600"},
                                       {utc(2026, 10, 3, 16, 0), "03:00 +660 dst"}});
  ZoneClock clock(table());
  // Santiago: -03 in the southern summer, -04 in winter; 03:30 UTC is after midnight in
  // January and still the evening before in July, so the weekday differs too.
  const LocalTime january = clock.at(zone("America/Santiago"), utc(2026, 1, 15, 3, 30));
  const LocalTime july = clock.at(zone("America/Santiago"), utc(2026, 7, 15, 3, 30));
  EXPECT_EQ(january.hour, 0);
  EXPECT_EQ(january.weekday, 3) << "2026-01-15 is a Thursday";
  EXPECT_EQ(july.hour, 23);
  EXPECT_EQ(july.weekday, 1) << "2026-07-14 is a Tuesday";
}

TEST(ZoneClock, HalfAndQuarterHourOffsets) {
  ZoneClock clock(table());
  EXPECT_EQ(clock_text(clock, "Asia/Kolkata", utc(2026, 6, 1, 18, 45)), "00:15 +330");
  EXPECT_EQ(clock_text(clock, "Asia/Kathmandu", utc(2026, 6, 1, 18, 20)), "00:05 +345");
  EXPECT_EQ(clock.at(zone("Asia/Kathmandu"), utc(2026, 6, 1, 18, 20)).weekday, 1)
      << "already Tuesday 2026-06-02 in Kathmandu, Monday in UTC";
}

TEST(ZoneClock, MexicoKeepsStandardTimeSinceItsDaylightSavingEnded) {
  // Mexico abolished daylight saving in October 2022 (tzdata 2022f); a database older
  // than that (ICU 72's own is 2022e) would put Mexico City an hour ahead in summer.
  ZoneClock clock(table());
  EXPECT_EQ(clock_text(clock, "America/Mexico_City", utc(2026, 7, 1, 12, 0)), "06:00 -360");
}

TEST(ZoneClock, CachedSpansGiveTheSameAnswerAsAFreshClock) {
  // A year in steps of 7 h 13 min, forward then backward, in zones with and without
  // daylight saving: the clock that caches offset spans must agree with one that
  // looks every instant up afresh.
  for (const char* name : {"America/New_York", "Australia/Sydney", "America/Santiago",
                           "Asia/Kolkata", "Europe/London", "Pacific/Chatham"}) {
    ZoneClock cached(table());
    std::vector<int64_t> instants;
    for (int64_t t = utc(2026, 1, 1, 0, 0); t < utc(2027, 1, 1, 0, 0);
         t += (7 * 60 + 13) * 60'000) {
      instants.push_back(t);
    }
    // And each instant of a transition, a millisecond before and after it.
    for (const int64_t t : {utc(2026, 3, 8, 7, 0), utc(2026, 11, 1, 6, 0), utc(2026, 4, 4, 16, 0),
                            utc(2026, 10, 3, 16, 0), utc(2026, 3, 29, 1, 0)}) {
      instants.insert(instants.end(), {t - 1, t, t + 1});
    }
    std::vector<int64_t> order = instants;
    order.insert(order.end(), instants.rbegin(), instants.rend());
    for (int64_t t : order) {
      ZoneClock fresh(table());
      const LocalTime a = cached.at(zone(name), t);
      const LocalTime b = fresh.at(zone(name), t);
      ASSERT_EQ(a.local_ms, b.local_ms) << name << " at " << t;
      ASSERT_EQ(a.dst, b.dst) << name << " at " << t;
    }
  }
}

TEST(ZoneClock, UtcAndFixedOffsets) {
  const LocalTime utc_time = ZoneClock::at_offset(utc(2026, 3, 8, 23, 30), 0);
  EXPECT_EQ(utc_time.hour, 23);
  EXPECT_EQ(utc_time.minute, 30);
  EXPECT_EQ(utc_time.weekday, 6) << "2026-03-08 is a Sunday";
  ZoneClock clock(table());
  EXPECT_EQ(clock.at(nexus::timezone::kUtc, utc(2026, 3, 8, 23, 30)).hour, 23);
}

nexus::v1::Transaction payment(nexus::v1::Channel channel, const char* payer_country,
                               const char* payee_country) {
  nexus::v1::Transaction tx;
  tx.set_channel(channel);
  tx.mutable_originator()->set_country(payer_country);
  tx.mutable_beneficiary()->set_country(payee_country);
  return tx;
}

TEST(EventZone, CardPaymentsTakeTheMerchantsCountry) {
  const auto card = event_zone(table(), payment(nexus::v1::CHANNEL_CARD, "US", "CO"));
  EXPECT_EQ(table().name(card.zone), "America/Bogota");
  EXPECT_EQ(card.source, ZoneSource::kPlace);
  const auto prepaid = event_zone(table(), payment(nexus::v1::CHANNEL_PREPAID_CARD, "DE", "TR"));
  EXPECT_EQ(table().name(prepaid.zone), "Europe/Istanbul");
}

TEST(EventZone, OtherPaymentsTakeThePayersCountry) {
  const auto wire = event_zone(table(), payment(nexus::v1::CHANNEL_WIRE, "IN", "AE"));
  EXPECT_EQ(table().name(wire.zone), "Asia/Kolkata");
  EXPECT_EQ(wire.source, ZoneSource::kPlace);
}

TEST(EventZone, FallsBackToTheOtherPartyThenUtc) {
  const auto other = event_zone(table(), payment(nexus::v1::CHANNEL_CARD, "NP", ""));
  EXPECT_EQ(table().name(other.zone), "Asia/Kathmandu");
  EXPECT_EQ(other.source, ZoneSource::kOtherParty);
  const auto none = event_zone(table(), payment(nexus::v1::CHANNEL_WIRE, "XX", ""));
  EXPECT_EQ(none.zone, nexus::timezone::kUtc);
  EXPECT_EQ(none.source, ZoneSource::kUnknown);
}

TEST(EventZone, AnExplicitZoneWins) {
  auto tx = payment(nexus::v1::CHANNEL_CARD, "US", "US");
  tx.set_time_zone("America/Los_Angeles");
  const auto explicit_zone = event_zone(table(), tx);
  EXPECT_EQ(table().name(explicit_zone.zone), "America/Los_Angeles");
  EXPECT_EQ(explicit_zone.source, ZoneSource::kExplicit);
  tx.set_time_zone("Mars/Olympus_Mons");  // the validator refuses it; here: the country
  EXPECT_EQ(table().name(event_zone(table(), tx).zone), "America/New_York");
}

}  // namespace
