#include "generator/generator.hpp"

#include "generator/detail/background.hpp"
#include "generator/detail/scenarios.hpp"
#include "generator/detail/tx_record.hpp"
#include "generator/detail/world.hpp"

#include <algorithm>
#include <stdexcept>

namespace nexus::generator {
namespace {

using detail::TxRecord;

void append_digits(std::string* out, uint64_t value, int digits) {
  char buf[24];
  for (int i = digits - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out->append(buf, static_cast<size_t>(digits));
}

// Builds the protobuf of one record into `tx` (reused across calls so that its
// strings keep their capacity) and returns its id.
void fill_transaction(const detail::World& world, const TxRecord& r, uint64_t ordinal,
                      nexus::v1::Transaction* tx) {
  tx->Clear();
  std::string* id = tx->mutable_id();
  id->assign("tx-");
  append_digits(id, ordinal, 10);
  auto* time = tx->mutable_event_time();
  // Floor division: event times before 1970 keep nanos in [0, 1e9).
  int64_t seconds = r.time_ms / 1000;
  int64_t millis = r.time_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  time->set_seconds(seconds);
  time->set_nanos(static_cast<int32_t>(millis * 1'000'000));
  tx->set_amount_minor(r.amount_minor);
  tx->set_currency(detail::kCurrencies[r.currency].code);
  tx->set_channel(static_cast<nexus::v1::Channel>(r.channel));
  world.fill_party(r.originator, (r.flags & detail::kOriginatorCash) != 0,
                   tx->mutable_originator());
  world.fill_party(r.beneficiary, (r.flags & detail::kBeneficiaryCash) != 0,
                   tx->mutable_beneficiary());
  const detail::Narrative& narrative = detail::kNarratives[r.narrative];
  if (narrative.purpose_code[0] != '\0') tx->set_purpose_code(narrative.purpose_code);
  if (narrative.text[0] != '\0') tx->set_remittance_info(narrative.text);
  const detail::Profile& beneficiary = world.profile(r.beneficiary);
  if (beneficiary.merchant_category != 0) {
    tx->set_merchant_category_code(
        detail::kMerchantCategories[beneficiary.merchant_category - 1u].mcc);
    tx->set_merchant_name(beneficiary.name);
  }
  if (r.flags & detail::kWithDevice) tx->set_device_id(world.profile(r.originator).device_id);
  if (r.location != 0) {
    std::string* location = tx->mutable_location_id();
    location->assign("LOC-");
    location->append(detail::kCountries[r.location >> 16].code);
    location->push_back('-');
    append_digits(location, r.location & 0xFFFF, 4);
  }
}

void append_json_string(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out->append("\\u00");
          out->push_back(kHex[(c >> 4) & 0xF]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

}  // namespace

void generate(const GeneratorConfig& config,
              const std::function<void(const nexus::v1::Transaction&)>& emit,
              std::vector<ScenarioLabel>* labels) {
  if (config.accounts == 0) throw std::invalid_argument("generator: accounts must be >= 1");
  if (config.days == 0) throw std::invalid_argument("generator: days must be >= 1");

  detail::World world(config.seed);
  const detail::Population population = detail::build_population(config, &world);

  std::vector<TxRecord> planted;
  std::vector<ScenarioLabel> local_labels;
  detail::plant_scenarios(config, population, &world, &planted, &local_labels);
  std::sort(planted.begin(), planted.end(), detail::emit_order);

  const uint64_t background_total =
      config.transactions > planted.size() ? config.transactions - planted.size() : 0;
  const std::vector<uint64_t> per_day = detail::background_counts_per_day(config, background_total);

  std::vector<TxRecord> day_records;
  nexus::v1::Transaction tx;
  uint64_t ordinal = 0;
  uint64_t next_seq = planted.size();  // planted records hold seq [0, planted.size())
  size_t next_planted = 0;
  for (uint32_t day = 0; day < config.days; ++day) {
    day_records.clear();
    detail::generate_background_day(config, world, population, day, per_day[day], next_seq,
                                    &day_records);
    next_seq += per_day[day];
    const int64_t day_end = config.start_time_ms + static_cast<int64_t>(day + 1) * detail::kDayMs;
    while (next_planted < planted.size() && planted[next_planted].time_ms < day_end) {
      day_records.push_back(planted[next_planted++]);
    }
    std::sort(day_records.begin(), day_records.end(), detail::emit_order);
    for (const TxRecord& r : day_records) {
      fill_transaction(world, r, ordinal++, &tx);
      if (r.scenario != detail::kBackground) {
        local_labels[static_cast<size_t>(r.scenario)].transaction_ids.push_back(tx.id());
      }
      emit(tx);
    }
  }
  if (labels != nullptr) *labels = std::move(local_labels);
}

std::string label_to_json(const ScenarioLabel& label) {
  std::string out = "{\"scenario_id\":";
  append_json_string(&out, label.scenario_id);
  out += ",\"scenario\":";
  append_json_string(&out, label.scenario);
  out += ",\"rule_id\":";
  append_json_string(&out, label.rule_id);
  out += ",\"subject\":";
  append_json_string(&out, label.subject);
  out += ",\"transaction_ids\":[";
  for (size_t i = 0; i < label.transaction_ids.size(); ++i) {
    if (i != 0) out += ',';
    append_json_string(&out, label.transaction_ids[i]);
  }
  out += "]}";
  return out;
}

int64_t approximate_usd_cents(const nexus::v1::Transaction& transaction) {
  const int currency = detail::currency_index(transaction.currency());
  if (currency < 0) return -1;
  return detail::minor_to_usd_cents(transaction.amount_minor(), static_cast<uint8_t>(currency));
}

std::vector<BackgroundName> background_names() {
  std::vector<BackgroundName> out;
  for (auto& [name, organization] : detail::all_background_names()) {
    out.push_back({std::move(name), organization});
  }
  return out;
}

}  // namespace nexus::generator
