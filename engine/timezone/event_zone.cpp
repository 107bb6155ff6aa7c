#include "engine/timezone/event_zone.hpp"

namespace nexus::timezone {

EventZone event_zone(const ZoneTable& table, const nexus::v1::Transaction& tx) {
  if (!tx.time_zone().empty()) {
    if (const auto zone = table.find(tx.time_zone())) return {*zone, ZoneSource::kExplicit};
  }
  // A card payment happens at the merchant's till; any other payment where its payer is
  // (a wire is sent, cash is taken out, from the payer's side).
  const bool at_merchant =
      tx.channel() == nexus::v1::CHANNEL_CARD || tx.channel() == nexus::v1::CHANNEL_PREPAID_CARD;
  const auto& place = at_merchant ? tx.beneficiary() : tx.originator();
  const auto& other = at_merchant ? tx.originator() : tx.beneficiary();
  if (const auto zone = table.country_zone(place.country())) return {*zone, ZoneSource::kPlace};
  if (const auto zone = table.country_zone(other.country())) {
    return {*zone, ZoneSource::kOtherParty};
  }
  return {kUtc, ZoneSource::kUnknown};
}

}  // namespace nexus::timezone
