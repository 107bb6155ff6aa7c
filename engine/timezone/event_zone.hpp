// The rule that says whose clock an event's clock fields (`hour`, `weekday`) read.
// Pure function of the event and the table; thread-safe.
#pragma once

#include "engine/timezone/zone_table.hpp"
#include "nexus/v1/transaction.pb.h"

namespace nexus::timezone {

/// Where the zone of an event came from.
enum class ZoneSource {
  kExplicit,    // the event's `time_zone`
  kPlace,       // the country of the party where the payment happened
  kOtherParty,  // that country unknown: the other party's
  kUnknown,     // neither country known: UTC
};

struct EventZone {
  ZoneId zone = kUtc;
  ZoneSource source = ZoneSource::kUnknown;
};

/// The zone of the place of `tx`:
///  1. `time_zone` when it names a zone of the table;
///  2. else the zone of the place party's country (ZoneTable::country_zone): the
///     merchant (beneficiary) for card and prepaid-card payments, the payer
///     (originator) for every other channel;
///  3. else the other party's country;
///  4. else UTC.
EventZone event_zone(const ZoneTable& table, const nexus::v1::Transaction& tx);

}  // namespace nexus::timezone
