#include "engine/validator.hpp"

#include "engine/timezone/zone_table.hpp"
#include "rules/field_catalog.hpp"

#include <algorithm>

namespace nexus::engine {

namespace {

using nexus::v1::Party;

// `role` prefixes the field name in the message ("beneficiary.name"); names are built
// only for a failing field, so valid events cost a length comparison per field.
bool too_long(const std::string& value, size_t limit, const char* field, ValidationStatus* status,
              const char* role = nullptr) {
  if (value.size() <= limit) return false;
  *status = {false, "oversize_field",
             (role ? std::string(role) + "." : std::string()) + field + " is " +
                 std::to_string(value.size()) + " bytes; the limit is " + std::to_string(limit)};
  return true;
}

bool check_party(const Party& party, const char* role, const FieldLimits& limits,
                 ValidationStatus* status) {
  return too_long(party.account(), limits.other, "account", status, role) ||
         too_long(party.name(), limits.other, "name", status, role) ||
         too_long(party.country(), 8, "country", status, role) ||
         too_long(party.address(), limits.address, "address", status, role) ||
         too_long(party.phone(), limits.other, "phone", status, role) ||
         too_long(party.email(), limits.other, "email", status, role) ||
         too_long(party.date_of_birth(), 32, "date_of_birth", status, role) ||
         too_long(party.national_id(), limits.other, "national_id", status, role) ||
         too_long(party.agent_bic(), 32, "agent_bic", status, role);
}

// A zone name the tz database does not know would make `hour` silently wrong: refused,
// with the closest name when one is near (the suggestion runs only for refused events).
ValidationStatus check_time_zone(const std::string& name) {
  const auto& zones = timezone::ZoneTable::system();
  if (!zones) return {false, "unknown_time_zone", zones.error().message};
  if (zones.value().find(name)) return {};
  std::string best;
  size_t best_distance = std::max<size_t>(3, name.size() / 3) + 1;
  for (size_t id = 0; id < zones.value().size(); ++id) {
    const std::string& candidate = zones.value().name(static_cast<timezone::ZoneId>(id));
    const size_t distance = rules::edit_distance(name, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return {false, "unknown_time_zone",
          "time_zone '" + name + "' is not a zone of the tz database " + zones.value().version() +
              (best.empty() ? std::string() : " (did you mean '" + best + "'?)")};
}

}  // namespace

ValidationStatus validate(const nexus::v1::Transaction& tx, const FxTable& fx,
                          const FieldLimits& limits) {
  ValidationStatus status;
  if (tx.id().empty()) return {false, "missing_id", "transaction has no id"};
  if (too_long(tx.id(), limits.id, "id", &status)) return status;
  if (!tx.has_event_time()) return {false, "missing_event_time", "transaction has no event_time"};
  const auto& time = tx.event_time();
  if (time.seconds() < kMinEventTimeSeconds || time.seconds() >= kMaxEventTimeSeconds ||
      time.nanos() < 0 || time.nanos() > 999'999'999) {
    return {false, "bad_timestamp",
            "event_time " + std::to_string(time.seconds()) +
                "s is outside 2000-01-01..2100-01-01 or has invalid nanos"};
  }
  if (tx.amount_minor() > kMaxAmountMinor) {
    return {false, "amount_out_of_range",
            "amount_minor is " + std::to_string(tx.amount_minor()) + "; at most " +
                std::to_string(kMaxAmountMinor) + " minor units are accepted"};
  }
  if (tx.amount_minor() <= 0) {
    return {false, "non_positive_amount",
            "amount_minor is " + std::to_string(tx.amount_minor()) + "; it must be > 0"};
  }
  if (fx.find(tx.currency()) == nullptr) {
    return {false, "unknown_currency",
            "currency '" + tx.currency().substr(0, 16) + "' is not in the FX table"};
  }
  const bool deposit = tx.channel() == nexus::v1::CHANNEL_CASH_DEPOSIT;
  const bool withdrawal = tx.channel() == nexus::v1::CHANNEL_CASH_WITHDRAWAL;
  if (tx.originator().account().empty() && !deposit) {
    return {false, "missing_account", "originator.account is empty"};
  }
  if (tx.beneficiary().account().empty() && !withdrawal) {
    return {false, "missing_account", "beneficiary.account is empty"};
  }
  if (check_party(tx.originator(), "originator", limits, &status) ||
      check_party(tx.beneficiary(), "beneficiary", limits, &status) ||
      too_long(tx.currency(), 8, "currency", &status) ||
      too_long(tx.purpose_code(), 16, "purpose_code", &status) ||
      too_long(tx.remittance_info(), limits.remittance_info, "remittance_info", &status) ||
      too_long(tx.merchant_category_code(), 8, "merchant_category_code", &status) ||
      too_long(tx.merchant_name(), limits.other, "merchant_name", &status) ||
      too_long(tx.device_id(), limits.other, "device_id", &status) ||
      too_long(tx.location_id(), limits.other, "location_id", &status) ||
      too_long(tx.time_zone(), 64, "time_zone", &status)) {
    return status;
  }
  if (!tx.time_zone().empty()) return check_time_zone(tx.time_zone());
  return status;
}

}  // namespace nexus::engine
