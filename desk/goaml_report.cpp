#include "desk/goaml_report.hpp"

#include "desk/case_evidence.hpp"
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <set>

namespace nexus::desk {
namespace {

// comments_type: the schema's limit on reason, action, descriptions.
constexpr size_t kCommentChars = 8000;

// Nexus channel -> goAML transmode_code. goAMLSchema 5.0.1 enumerates conduction_type as
// -, A, AA..AU, B..F with no meanings: the meanings are each FIU's lookup table. These are
// distinct placeholders (a report carries the channel's name in transmode_comment beside
// the code); an entity config maps them to its FIU's codes (GoamlEntity::transmode_codes).
const std::map<std::string, std::string, std::less<>>& default_transmode_codes() {
  static const std::map<std::string, std::string, std::less<>> kCodes = {{"wire", "A"},
                                                                         {"ach", "B"},
                                                                         {"card", "C"},
                                                                         {"cash_deposit", "D"},
                                                                         {"cash_withdrawal", "E"},
                                                                         {"mobile_money", "F"},
                                                                         {"msb", "AA"},
                                                                         {"hawala", "AB"},
                                                                         {"crypto", "AC"},
                                                                         {"prepaid_card", "AD"},
                                                                         {"cheque", "AE"},
                                                                         {"unspecified", "-"}};
  return kCodes;
}

std::string channel_name(nexus::v1::Channel channel) {
  std::string name = nexus::v1::Channel_Name(channel);
  constexpr std::string_view kPrefix = "CHANNEL_";
  if (name.rfind(kPrefix, 0) == 0) name.erase(0, kPrefix.size());
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name.empty() ? "unspecified" : name;
}

// sql_date is xs:dateTime from 1753; goAML writes it without a zone, in UTC here.
std::string sql_date(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

std::string sql_date(const google::protobuf::Timestamp& time) { return sql_date(time.seconds()); }

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_alpha(std::string_view text, size_t length) {
  return text.size() == length && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isalpha(static_cast<unsigned char>(c)) != 0;
         });
}

// A party's country as country_type: an ISO 3166-1 alpha-2 code, or "-" (the schema's
// "unknown") when the payment carried none.
std::string country_code(std::string_view country) {
  return is_alpha(country, 2) ? upper(country) : "-";
}

// A BIC (ISO 9362) is 8 or 11 letters and digits.
bool is_bic(std::string_view bic) {
  return (bic.size() == 8 || bic.size() == 11) && std::all_of(bic.begin(), bic.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0;
         });
}

// An exact decimal of `amount_minor` with `digits` fraction digits ("1234.50").
std::string decimal_minor(int64_t amount_minor, int digits) {
  const bool negative = amount_minor < 0;
  // Through unsigned so INT64_MIN does not overflow.
  uint64_t magnitude =
      negative ? 0 - static_cast<uint64_t>(amount_minor) : static_cast<uint64_t>(amount_minor);
  std::string text = std::to_string(magnitude);
  if (digits > 0) {
    if (text.size() <= static_cast<size_t>(digits)) {
      text.insert(0, static_cast<size_t>(digits) - text.size() + 1, '0');
    }
    text.insert(text.size() - static_cast<size_t>(digits), ".");
  }
  return negative ? "-" + text : text;
}

// A double as xs:decimal text (never exponent notation), at most `digits` fraction digits,
// trailing zeros dropped.
std::string decimal_text(double value, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  std::string text = buf;
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

// The document under construction. Every text goes through xml_safe_text and into a text
// node (xmlNewTextChild), which the serializer escapes: no markup is ever concatenated.
class ReportWriter {
 public:
  ReportWriter() : doc_(xmlNewDoc(BAD_CAST "1.0")) {}
  ~ReportWriter() { xmlFreeDoc(doc_); }
  ReportWriter(const ReportWriter&) = delete;
  ReportWriter& operator=(const ReportWriter&) = delete;

  xmlNodePtr root(const char* name) {
    xmlNodePtr node = xmlNewDocNode(doc_, nullptr, BAD_CAST name, nullptr);
    xmlDocSetRootElement(doc_, node);
    return node;
  }
  static xmlNodePtr child(xmlNodePtr parent, const char* name) {
    return xmlNewChild(parent, nullptr, BAD_CAST name, nullptr);
  }
  static xmlNodePtr text(xmlNodePtr parent, const char* name, std::string_view value,
                         size_t max_chars = 0) {
    const std::string safe = xml_safe_text(value, max_chars);
    return xmlNewTextChild(parent, nullptr, BAD_CAST name, BAD_CAST safe.c_str());
  }
  // An optional element: left out when `value` has nothing an XML document can hold.
  static void optional_text(xmlNodePtr parent, const char* name, std::string_view value,
                            size_t max_chars = 0) {
    if (!xml_safe_text(value, max_chars).empty()) text(parent, name, value, max_chars);
  }

  std::string serialize() const {
    xmlChar* bytes = nullptr;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc_, &bytes, &size, "UTF-8", 1);
    std::string out(reinterpret_cast<const char*>(bytes), static_cast<size_t>(size));
    xmlFree(bytes);
    return out;
  }

 private:
  xmlDocPtr doc_;
};

// A person's name as goAML's first_name / last_name: the last word is the last name; a
// one-word name has "-" as its first name (both are required).
std::pair<std::string, std::string> split_name(std::string_view name) {
  std::string trimmed(name);
  while (!trimmed.empty() && trimmed.back() == ' ') trimmed.pop_back();
  const size_t space = trimmed.find_last_of(' ');
  if (space == std::string::npos) return {"-", trimmed.empty() ? "-" : trimmed};
  std::string first = trimmed.substr(0, space);
  while (!first.empty() && first.back() == ' ') first.pop_back();
  return {first.empty() ? "-" : first, trimmed.substr(space + 1)};
}

// One side of a transaction: its account (t_account) when the payment names one, else the
// person or entity; then the side's country.
void write_party(xmlNodePtr side, const std::string& prefix, const nexus::v1::Party& party,
                 const std::string& currency) {
  const bool organization = party.type() == nexus::v1::PARTY_TYPE_ORGANIZATION;
  const std::string country = country_code(party.country());
  if (!xml_safe_text(party.account()).empty()) {
    xmlNodePtr account = ReportWriter::child(side, (prefix + "_account").c_str());
    // A payment names the account-servicing institution only by its BIC.
    ReportWriter::text(
        account, "institution_name",
        is_bic(party.agent_bic()) ? "BIC " + party.agent_bic() : "not stated on the payment", 255);
    if (is_bic(party.agent_bic())) {
      ReportWriter::text(account, "swift", upper(party.agent_bic()));
    } else {
      ReportWriter::text(account, "institution_code", "UNKNOWN");
    }
    ReportWriter::text(account, "account", party.account(), 255);
    ReportWriter::text(account, "currency_code", upper(currency));
    ReportWriter::optional_text(account, "account_name", party.name(), 255);
    if (organization && !xml_safe_text(party.name()).empty()) {
      xmlNodePtr entity = ReportWriter::child(account, "t_entity");
      ReportWriter::text(entity, "name", party.name(), 255);
      if (country != "-") ReportWriter::text(entity, "incorporation_country_code", country);
    }
  } else if (organization) {
    xmlNodePtr entity = ReportWriter::child(side, (prefix + "_entity").c_str());
    ReportWriter::text(entity, "name", xml_safe_text(party.name()).empty() ? "-" : party.name(),
                       255);
    if (country != "-") ReportWriter::text(entity, "incorporation_country_code", country);
  } else {
    xmlNodePtr person = ReportWriter::child(side, (prefix + "_person").c_str());
    const auto [first, last] = split_name(xml_safe_text(party.name()));
    ReportWriter::text(person, "first_name", first, 100);
    ReportWriter::text(person, "last_name", last, 100);
    const std::string& birth = party.date_of_birth();
    if (birth.size() == 10 && birth[4] == '-' && birth[7] == '-' && birth >= "1753-01-01") {
      ReportWriter::text(person, "birthdate", birth + "T00:00:00");
    }
    ReportWriter::optional_text(person, "id_number", party.national_id(), 255);
    if (country != "-") ReportWriter::text(person, "residence", country);
  }
  ReportWriter::text(side, (prefix + "_country").c_str(), country);
}

std::string funds_code(const GoamlEntity& entity, const std::string& channel) {
  const auto found = entity.funds_codes.find(channel);
  return found == entity.funds_codes.end() ? "-" : found->second;
}

struct LocalAmount {
  std::string amount_local;
  bool foreign = false;
  std::string foreign_amount;
  std::string exchange_rate;  // local units per foreign unit
};

Result<LocalAmount> local_amount(const nexus::v1::Transaction& tx, const GoamlEntity& entity,
                                 const engine::FxTable& fx) {
  const std::string currency = upper(tx.currency());
  const auto* from = fx.find(currency);
  if (from == nullptr) {
    return make_error("goaml_input", "transaction " + tx.id() + ": currency '" + tx.currency() +
                                         "' is not in the FX table");
  }
  const auto* local = fx.find(entity.currency_code_local);
  if (local == nullptr || local->reference_per_unit <= 0) {
    return make_error("goaml_input",
                      "local currency '" + entity.currency_code_local + "' is not in the FX table");
  }
  LocalAmount out;
  if (currency == entity.currency_code_local) {
    out.amount_local = decimal_minor(tx.amount_minor(), from->minor_digits);
    return out;
  }
  // Converted at the FX table's fixed rates (as the engine converted it for the rules),
  // rounded to the local currency's minor unit.
  const double rate = from->reference_per_unit / local->reference_per_unit;
  const double scale = std::pow(10.0, local->minor_digits);
  const double local_major =
      std::round(fx.to_major(tx.amount_minor(), *from) * rate * scale) / scale;
  out.amount_local = decimal_text(local_major, local->minor_digits);
  out.foreign = true;
  out.foreign_amount = decimal_minor(tx.amount_minor(), from->minor_digits);
  out.exchange_rate = decimal_text(rate, 10);
  return out;
}

void write_side(xmlNodePtr transaction, const std::string& prefix, const std::string& channel,
                const nexus::v1::Party& party, const nexus::v1::Transaction& tx,
                const GoamlEntity& entity, const LocalAmount& amount) {
  xmlNodePtr side = ReportWriter::child(transaction, prefix == "from" ? "t_from" : "t_to");
  ReportWriter::text(side, (prefix + "_funds_code").c_str(), funds_code(entity, channel));
  ReportWriter::text(side, (prefix + "_funds_comment").c_str(), channel, 255);
  if (amount.foreign) {
    xmlNodePtr foreign = ReportWriter::child(side, (prefix + "_foreign_currency").c_str());
    ReportWriter::text(foreign, "foreign_currency_code", upper(tx.currency()));
    ReportWriter::text(foreign, "foreign_amount", amount.foreign_amount);
    ReportWriter::text(foreign, "foreign_exchange_rate", amount.exchange_rate);
  }
  write_party(side, prefix, party, tx.currency());
}

// The first alert naming each transaction: its internal reference.
std::map<std::string, std::string> alert_of_transaction(std::span<const nexus::v1::Alert> alerts) {
  std::map<std::string, std::string> out;
  for (const auto& alert : alerts) {
    for (const auto& id : alert.transaction_ids()) out.emplace(id, alert.id());
    for (const auto& evidence : alert.evidence()) {
      for (const auto& id : evidence.transaction_ids()) out.emplace(id, alert.id());
    }
  }
  return out;
}

std::string window_text(int64_t window_ms) {
  if (window_ms <= 0) return "";
  if (window_ms % 86'400'000 == 0) return std::to_string(window_ms / 86'400'000) + "d";
  if (window_ms % 3'600'000 == 0) return std::to_string(window_ms / 3'600'000) + "h";
  if (window_ms % 60'000 == 0) return std::to_string(window_ms / 60'000) + "min";
  return std::to_string(window_ms) + "ms";
}

std::string_view severity_name(nexus::v1::Severity severity) {
  switch (severity) {
    case nexus::v1::SEVERITY_LOW:
      return "low";
    case nexus::v1::SEVERITY_MEDIUM:
      return "medium";
    case nexus::v1::SEVERITY_HIGH:
      return "high";
    case nexus::v1::SEVERITY_CRITICAL:
      return "critical";
    default:
      return "unspecified";
  }
}

}  // namespace

GoamlEntity placeholder_goaml_entity() {
  GoamlEntity entity;
  entity.rentity_id = 1;
  entity.rentity_branch = "PLACEHOLDER - set rentity_id and branch in the entity config";
  entity.currency_code_local = "USD";
  entity.reporting_person = {"PLACEHOLDER", "NOT FOR FILING", "", ""};
  entity.location = {
      "-", "PLACEHOLDER - set the location in the entity config", "PLACEHOLDER", "", "-", ""};
  entity.placeholder = true;
  return entity;
}

std::vector<std::string> goaml_transaction_ids(std::span<const nexus::v1::Alert> alerts) {
  return alert_transaction_ids(alerts, false);
}

std::string goaml_transmode_code(const GoamlEntity& entity, std::string_view channel) {
  if (const auto found = entity.transmode_codes.find(std::string(channel));
      found != entity.transmode_codes.end()) {
    return found->second;
  }
  const auto& defaults = default_transmode_codes();
  const auto found = defaults.find(channel);
  return found == defaults.end() ? "-" : found->second;
}

std::string goaml_reason(const GoamlEntity& entity, const GoamlCaseInput& input) {
  std::string out;
  if (entity.placeholder) {
    out += "PLACEHOLDER REPORTING ENTITY - NOT FOR FILING. ";
  }
  const Case& c = input.case_row;
  out += "Nexus case " + std::to_string(static_cast<int64_t>(c.id)) + " on subject " +
         (c.subject_key.empty() ? std::string("(none)") : c.subject_key) + ": " +
         std::to_string(input.alerts.size()) + " alert(s), " +
         std::to_string(input.transactions.size()) + " transaction(s) reported.";
  std::set<std::string> typologies;
  for (const auto& alert : input.alerts) {
    for (const auto& typology : alert.typologies()) typologies.insert(typology);
  }
  if (!typologies.empty()) {
    out += " Typologies:";
    for (const auto& typology : typologies) out += " " + typology;
    out += ".";
  }
  for (const auto& alert : input.alerts) {
    out += "\nAlert " + alert.id() + ": rule " + alert.rule_id() + " v" +
           std::to_string(alert.rule_version());
    if (!alert.title().empty()) out += " (" + alert.title() + ")";
    out += ", severity " + std::string(severity_name(alert.severity())) + ", score " +
           decimal_text(alert.score(), 1) + ", at " + sql_date(alert.event_time()) + " UTC";
    if (!alert.subject().empty()) out += ", subject " + alert.subject();
    if (!alert.source().empty()) out += "; source: " + alert.source();
    out += ".";
    for (const auto& evidence : alert.evidence()) {
      out += "\n  - " + evidence.name() + " = " + evidence.observed();
      if (!evidence.op().empty()) out += " (" + evidence.op() + " " + evidence.threshold() + ")";
      if (evidence.window_ms() > 0) {
        out += " over " + window_text(evidence.window_ms());
        if (!evidence.window_key().empty()) out += " by " + evidence.window_key();
      }
      if (evidence.transaction_ids_size() > 0) {
        out += ", " + std::to_string(evidence.transaction_ids_size()) + " transaction(s)";
        if (evidence.truncated()) out += " (window truncated)";
      }
      if (!evidence.detail().empty()) out += "; " + evidence.detail();
    }
    for (const auto& hit : alert.sanctions_hits()) {
      out += "\n  - sanctions hit on the " + hit.party_role() + ": '" + hit.matched_name() +
             "' on " + hit.list() + " " + hit.reference() + ", score " +
             decimal_text(hit.score(), 2);
      if (!hit.programme().empty()) out += ", programme " + hit.programme();
      if (!hit.basis().empty()) out += "; " + hit.basis();
    }
  }
  const std::string safe = xml_safe_text(out);
  if (xml_safe_text(safe, kCommentChars).size() == safe.size()) return safe;
  constexpr std::string_view kCut = " [... cut at the schema's 8000 characters]";
  return xml_safe_text(safe, kCommentChars - kCut.size()) + std::string(kCut);
}

std::string xml_safe_text(std::string_view text, size_t max_chars) {
  std::string out;
  out.reserve(text.size());
  size_t chars = 0;
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    uint32_t code = 0;
    if (lead < 0x80) {
      length = 1, code = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, code = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, code = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, code = lead & 0x07;
    } else {
      ++i;  // a stray continuation or invalid lead byte
      continue;
    }
    if (i + length > text.size()) break;  // truncated sequence at the end
    bool valid = true;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) {
        valid = false;
        break;
      }
      code = (code << 6) | (next & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (!valid) {
      ++i;
      continue;
    }
    // XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF];
    // overlong forms are not UTF-8.
    const bool allowed =
        code >= kMinForLength[length] &&
        (code == 0x9 || code == 0xA || code == 0xD || (code >= 0x20 && code <= 0xD7FF) ||
         (code >= 0xE000 && code <= 0xFFFD) || (code >= 0x10000 && code <= 0x10FFFF));
    if (allowed) {
      if (max_chars > 0 && chars == max_chars) break;
      out.append(text.substr(i, length));
      ++chars;
    }
    i += length;
  }
  return out;
}

Result<std::string> build_goaml_xml(const GoamlEntity& entity, const GoamlCaseInput& input,
                                    const engine::FxTable& fx) {
  if (fx.find(entity.currency_code_local) == nullptr) {
    return make_error("goaml_input",
                      "local currency '" + entity.currency_code_local + "' is not in the FX table");
  }
  std::vector<const nexus::v1::Transaction*> transactions;
  for (const auto& tx : input.transactions) transactions.push_back(&tx);
  std::stable_sort(transactions.begin(), transactions.end(), [](const auto* a, const auto* b) {
    if (a->event_time().seconds() != b->event_time().seconds()) {
      return a->event_time().seconds() < b->event_time().seconds();
    }
    return a->id() < b->id();
  });

  ReportWriter writer;
  xmlNodePtr report = writer.root("report");
  ReportWriter::text(report, "rentity_id", std::to_string(entity.rentity_id));
  ReportWriter::text(report, "rentity_branch", entity.rentity_branch, 255);
  ReportWriter::text(report, "submission_code", "E");  // electronic
  // STR: a suspicious transaction report; a case without transactions reports the activity
  // (SAR, with <activity> in place of <transaction>).
  const bool has_transactions = !transactions.empty();
  ReportWriter::text(report, "report_code", has_transactions ? "STR" : "SAR");
  ReportWriter::text(report, "entity_reference",
                     "nexus-case-" + std::to_string(static_cast<int64_t>(input.case_row.id)));
  ReportWriter::text(report, "submission_date", sql_date(input.submission_ms / 1000));
  ReportWriter::text(report, "currency_code_local", entity.currency_code_local);
  xmlNodePtr person = ReportWriter::child(report, "reporting_person");
  ReportWriter::text(person, "first_name", entity.reporting_person.first_name, 100);
  ReportWriter::text(person, "last_name", entity.reporting_person.last_name, 100);
  ReportWriter::optional_text(person, "email", entity.reporting_person.email, 255);
  ReportWriter::optional_text(person, "occupation", entity.reporting_person.occupation, 255);
  xmlNodePtr location = ReportWriter::child(report, "location");
  ReportWriter::text(location, "address_type", entity.location.address_type);
  ReportWriter::text(location, "address", entity.location.address, 100);
  ReportWriter::text(location, "city", entity.location.city, 255);
  ReportWriter::optional_text(location, "zip", entity.location.zip, 10);
  ReportWriter::text(location, "country_code", entity.location.country_code);
  ReportWriter::optional_text(location, "state", entity.location.state, 255);
  ReportWriter::text(report, "reason", goaml_reason(entity, input), kCommentChars);
  ReportWriter::text(report, "action", entity.action, kCommentChars);

  const auto alert_ids = alert_of_transaction(input.alerts);
  for (const auto* tx : transactions) {
    auto converted = local_amount(*tx, entity, fx);
    if (!converted) return converted.error();
    const LocalAmount& amount = converted.value();
    const std::string channel = channel_name(tx->channel());
    xmlNodePtr transaction = ReportWriter::child(report, "transaction");
    ReportWriter::text(transaction, "transactionnumber", tx->id(), 100);
    if (const auto found = alert_ids.find(tx->id()); found != alert_ids.end()) {
      ReportWriter::text(transaction, "internal_ref_number", "alert " + found->second, 100);
    }
    ReportWriter::text(transaction, "transaction_location", tx->location_id(), 255);
    std::string description = tx->remittance_info();
    if (!tx->purpose_code().empty()) {
      description +=
          (description.empty() ? "" : " ") + std::string("[purpose ") + tx->purpose_code() + "]";
    }
    if (!tx->merchant_name().empty()) {
      description +=
          (description.empty() ? "" : " ") + std::string("[merchant ") + tx->merchant_name() +
          (tx->merchant_category_code().empty() ? std::string()
                                                : ", MCC " + tx->merchant_category_code()) +
          "]";
    }
    ReportWriter::text(transaction, "transaction_description", description, kCommentChars);
    ReportWriter::text(transaction, "date_transaction", sql_date(tx->event_time()));
    ReportWriter::text(transaction, "late_deposit", "false");
    ReportWriter::text(transaction, "transmode_code", goaml_transmode_code(entity, channel));
    ReportWriter::text(transaction, "transmode_comment", channel, 50);
    ReportWriter::text(transaction, "amount_local", amount.amount_local);
    write_side(transaction, "from", channel, tx->originator(), *tx, entity, amount);
    write_side(transaction, "to", channel, tx->beneficiary(), *tx, entity, amount);
  }
  if (!has_transactions) {
    // The subject account as the reported party, at this entity.
    xmlNodePtr activity = ReportWriter::child(report, "activity");
    xmlNodePtr parties = ReportWriter::child(activity, "report_parties");
    xmlNodePtr party = ReportWriter::child(parties, "report_party");
    xmlNodePtr account = ReportWriter::child(party, "account");
    ReportWriter::text(account, "institution_name", entity.rentity_branch, 255);
    ReportWriter::text(account, "institution_code", std::to_string(entity.rentity_id));
    ReportWriter::text(account, "account",
                       input.case_row.subject_key.empty() ? "-" : input.case_row.subject_key, 255);
    ReportWriter::text(
        party, "reason",
        "Subject of Nexus case " + std::to_string(static_cast<int64_t>(input.case_row.id)),
        kCommentChars);
  }

  // 5.0.1's report_indicator_type lists only "-": an FIU's own schema lists its codes,
  // which the entity config maps typologies to.
  std::set<std::string> indicators;
  for (const auto& alert : input.alerts) {
    for (const auto& typology : alert.typologies()) {
      if (const auto found = entity.indicator_codes.find(typology);
          found != entity.indicator_codes.end()) {
        indicators.insert(found->second);
      }
    }
  }
  if (indicators.empty()) indicators.insert("-");
  xmlNodePtr indicator_list = ReportWriter::child(report, "report_indicators");
  for (const auto& code : indicators) ReportWriter::text(indicator_list, "indicator", code);
  return writer.serialize();
}

Result<GoamlReport> build_goaml_report(const GoamlEntity& entity, const GoamlCaseInput& input,
                                       const engine::FxTable& fx, const GoamlSchema& schema) {
  auto xml = build_goaml_xml(entity, input, fx);
  if (!xml) return xml.error();
  if (auto valid = schema.validate(xml.value()); !valid) return valid.error();
  GoamlReport report;
  report.xml = std::move(xml).value();
  report.report_code = input.transactions.empty() ? "SAR" : "STR";
  report.alerts = input.alerts.size();
  report.transactions = input.transactions.size();
  return report;
}

GoamlCaseInput goaml_case_input(CaseEvidence evidence, int64_t submission_ms) {
  GoamlCaseInput input;
  input.case_row = std::move(evidence.case_row);
  input.alerts = std::move(evidence.alerts);
  const auto named = goaml_transaction_ids(input.alerts);
  const std::set<std::string> wanted(named.begin(), named.end());
  for (auto& tx : evidence.transactions) {
    if (wanted.count(tx.id())) input.transactions.push_back(std::move(tx));
  }
  input.submission_ms = submission_ms;
  return input;
}

}  // namespace nexus::desk
