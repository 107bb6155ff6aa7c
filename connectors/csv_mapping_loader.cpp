#include "connectors/csv_mapping_loader.hpp"

#include "connectors/file_source.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace nexus::connectors {

namespace {

// Currency names of the IBM AML data sets -> ISO 4217.
constexpr const char* kIbmCurrencies = R"(
      US Dollar: USD
      Euro: EUR
      Yuan: CNY
      Yen: JPY
      Rupee: INR
      Swiss Franc: CHF
      Shekel: ILS
      Canadian Dollar: CAD
      Australian Dollar: AUD
      UK Pound: GBP
      Ruble: RUB
      Mexican Peso: MXN
      Brazil Real: BRL
      Saudi Riyal: SAR
      Bitcoin: BTC)";

// Payment formats of the IBM AML data sets -> channels.
constexpr const char* kIbmFormats = R"(
      ACH: ach
      Wire: wire
      Cash: cash_deposit
      Cheque: cheque
      Credit Card: card
      Reinvestment: ach
      Bitcoin: crypto)";

std::map<std::string, std::string> presets() {
  std::map<std::string, std::string> out;
  out["ibm-aml"] =
      std::string(R"(# IBM "Transactions for Anti Money Laundering" (Altman et al., NeurIPS 2023):
# HI-/LI-{Small,Medium,Large}_Trans.csv as published on Kaggle. Two columns are
# named "Account" (sender, receiver): {Account#2} is the second.
csv: ibm-aml
round_amounts: true  # amounts in yen and rupees carry cents
header: true
time_format: "%Y/%m/%d %H:%M"
id_prefix: ibm-
fields:
  event_time: "{Timestamp}"
  originator.account: "{From Bank}:{Account}"
  beneficiary.account: "{To Bank}:{Account#2}"
  amount: "{Amount Paid}"
  currency:
    from: "{Payment Currency}"
    values:)") +
      kIbmCurrencies + R"(
  channel:
    from: "{Payment Format}"
    values:)" +
      kIbmFormats + "\n";
  out["ibm-aml-normalized"] =
      std::string(R"(# The IBM AML transactions re-headed in snake case, with bank:account keys
# (../shared/data/aml/ibm_hi_small/HI-Small_Trans_first1000_normalized.csv).
csv: ibm-aml-normalized
round_amounts: true  # amounts in yen and rupees carry cents
header: true
time_format: "%Y/%m/%d %H:%M"
id_prefix: ibm-
fields:
  event_time: "{timestamp}"
  originator.account: "{from_account_key}"
  beneficiary.account: "{to_account_key}"
  amount: "{amount_paid}"
  currency:
    from: "{payment_currency}"
    values:)") +
      kIbmCurrencies + R"(
  channel:
    from: "{payment_format}"
    values:)" +
      kIbmFormats + "\n";
  out["ibm-aml-patterns"] =
      std::string(
          R"(# The IBM AML laundering patterns file (HI-Small_Patterns.txt): transaction rows
# in blocks between BEGIN/END LAUNDERING ATTEMPT lines, no header. Bank ids keep
# their zero padding, as in the _Trans.csv files.
csv: ibm-aml-patterns
round_amounts: true  # amounts in yen and rupees carry cents
header: false
skip_lines_starting_with: ["BEGIN LAUNDERING", "END LAUNDERING"]
time_format: "%Y/%m/%d %H:%M"
id_prefix: ibm-pattern-
fields:
  event_time: "{#1}"
  originator.account: "{#2}:{#3}"
  beneficiary.account: "{#4}:{#5}"
  amount: "{#8}"
  currency:
    from: "{#9}"
    values:)") +
      kIbmCurrencies + R"(
  channel:
    from: "{#10}"
    values:)" +
      kIbmFormats + "\n";
  out["amlsim-alerts"] =
      R"(# AMLSim alerts.csv: the ground-truth laundering transactions of a run. TIMESTAMP is
# the simulation step (one day), counted from 2017-01-01 here.
csv: amlsim-alerts
header: true
time_format: "days_since:2017-01-01"
id_prefix: amlsim-
fields:
  id: "amlsim-{TX_ID}"
  event_time: "{TIMESTAMP}"
  originator.account: "{SENDER_ACCOUNT_ID}"
  beneficiary.account: "{RECEIVER_ACCOUNT_ID}"
  amount: "{TX_AMOUNT}"
  currency: USD
  channel:
    from: "{TX_TYPE}"
    values:
      TRANSFER: wire
      CHECK: cheque
      CREDIT: ach
      DEPOSIT: cash_deposit
      CASH-IN: cash_deposit
      CASH-OUT: cash_withdrawal
      "*": wire
  remittance_info: "{ALERT_TYPE}"
)";
  out["saml-d"] = R"(# SAML-D style columns (Oztas et al. 2023), as in
# ../shared/data/aml/visionlangai_aml_dataset_5k.csv.
csv: saml-d
header: true
time_format: "%Y-%m-%d %H:%M"
id_prefix: samld-
fields:
  event_time: "{Date} {Time}"
  originator.account: "{Sender_account}"
  beneficiary.account: "{Receiver_account}"
  amount: "{Amount}"
  currency: "{Payment_currency}"
  channel:
    from: "{Payment_type}"
    values:
      ACH Transfer: ach
      Cash: cash_deposit
      Cheque: cheque
      Credit Card: card
      Debit Card: card
      Cross-Border: wire
      E-Wallet: mobile_money
      Mobile Payment: mobile_money
  originator.country:
    from: "{Sender_bank_location}"
    values: {UK: GB, Mexico: MX, Turkey: TR, Morocco: MA, Germany: DE, USA: US, China: CN, UAE: AE, Spain: ES, France: FR, Italy: IT, Netherlands: NL, Switzerland: CH, Japan: JP, India: IN, Pakistan: PK, Nigeria: NG, Albania: AL, Austria: AT, "*": ""}
  beneficiary.country:
    from: "{Receiver_bank_location}"
    values: {UK: GB, Mexico: MX, Turkey: TR, Morocco: MA, Germany: DE, USA: US, China: CN, UAE: AE, Spain: ES, France: FR, Italy: IT, Netherlands: NL, Switzerland: CH, Japan: JP, India: IN, Pakistan: PK, Nigeria: NG, Albania: AL, Austria: AT, "*": ""}
)";
  return out;
}

std::string where(const std::string& origin, const YAML::Node& node) {
  return origin + ":" + std::to_string(node.Mark().line + 1) + ":" +
         std::to_string(node.Mark().column + 1);
}

}  // namespace

std::vector<std::string> csv_mapping_presets() {
  std::vector<std::string> names;
  for (const auto& [name, text] : presets()) names.push_back(name);
  return names;
}

std::string csv_mapping_preset_yaml(const std::string& name) {
  const auto all = presets();
  auto found = all.find(name);
  return found == all.end() ? std::string() : found->second;
}

Result<std::shared_ptr<engine::CsvMapping>> parse_csv_mapping(const std::string& yaml,
                                                              const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return make_error("csv_mapping", origin + ":" + std::to_string(e.mark.line + 1) + ":" +
                                         std::to_string(e.mark.column + 1) +
                                         ": YAML syntax: " + e.msg);
  }
  if (!root.IsMap()) return make_error("csv_mapping", origin + ": a mapping is a YAML map");
  auto mapping = std::make_shared<engine::CsvMapping>();
  static const std::set<std::string> kKeys = {"csv",
                                              "delimiter",
                                              "header",
                                              "time_format",
                                              "id_prefix",
                                              "fields",
                                              "skip_lines_starting_with",
                                              "round_amounts"};
  for (const auto& pair : root) {
    if (!kKeys.count(pair.first.Scalar())) {
      return make_error("csv_mapping",
                        where(origin, pair.first) + ": unknown key '" + pair.first.Scalar() +
                            "' (keys: csv, delimiter, header, time_format, "
                            "id_prefix, skip_lines_starting_with, round_amounts, fields)");
    }
  }
  try {
    mapping->name = root["csv"] ? root["csv"].as<std::string>() : origin;
    if (root["delimiter"]) {
      const std::string delimiter = root["delimiter"].as<std::string>();
      const std::string actual = delimiter == "\\t" ? "\t" : delimiter;
      if (actual.size() != 1) {
        return make_error("csv_mapping",
                          where(origin, root["delimiter"]) + ": delimiter must be one character");
      }
      mapping->delimiter = actual[0];
    }
    if (root["header"]) mapping->header = root["header"].as<bool>();
    if (root["time_format"]) mapping->time_format = root["time_format"].as<std::string>();
    if (root["id_prefix"]) mapping->id_prefix = root["id_prefix"].as<std::string>();
    if (root["round_amounts"]) mapping->round_amounts = root["round_amounts"].as<bool>();
    if (const auto skip = root["skip_lines_starting_with"]) {
      for (const auto& prefix : skip) mapping->skip_prefixes.push_back(prefix.as<std::string>());
    }
    const YAML::Node fields = root["fields"];
    if (!fields || !fields.IsMap()) {
      return make_error("csv_mapping", origin + ": 'fields:' is missing (field: \"{Column}\")");
    }
    for (const auto& pair : fields) {
      engine::CsvMapping::Target target;
      target.field = pair.first.as<std::string>();
      if (pair.second.IsScalar()) {
        target.text = pair.second.as<std::string>();
      } else if (pair.second.IsMap()) {
        if (!pair.second["from"]) {
          return make_error("csv_mapping", where(origin, pair.second) + ": " + target.field +
                                               " needs from: \"{Column}\"");
        }
        target.text = pair.second["from"].as<std::string>();
        if (const auto values = pair.second["values"]) {
          for (const auto& value : values) {
            target.values[value.first.as<std::string>()] =
                value.second.IsNull() ? std::string() : value.second.as<std::string>();
          }
        }
        if (pair.second["required"]) target.required = pair.second["required"].as<bool>();
      } else {
        return make_error("csv_mapping", where(origin, pair.second) + ": " + target.field +
                                             " must be a template or {from:, values:}");
      }
      mapping->targets.push_back(std::move(target));
    }
  } catch (const YAML::Exception& e) {
    return make_error("csv_mapping", origin + ":" + std::to_string(e.mark.line + 1) + ":" +
                                         std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  return mapping;
}

Result<std::shared_ptr<engine::CsvMapping>> load_csv_mapping(const std::string& name_or_path) {
  const std::string preset = csv_mapping_preset_yaml(name_or_path);
  if (!preset.empty()) return parse_csv_mapping(preset, "preset " + name_or_path);
  std::ifstream in(name_or_path);
  if (!in) {
    std::string names;
    for (const auto& name : csv_mapping_presets()) names += (names.empty() ? "" : ", ") + name;
    return make_error("csv_mapping", "'" + name_or_path + "' is neither a preset (" + names +
                                         ") nor a readable mapping file");
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_csv_mapping(text.str(), name_or_path);
}

Result<std::shared_ptr<const engine::CsvMapping>> csv_mapping_for_file(
    const std::string& name_or_path, const std::filesystem::path& file) {
  NEXUS_TRY(mapping, load_csv_mapping(name_or_path));
  CsvReadOptions options{mapping->header, mapping->skip_prefixes};
  NEXUS_TRY(source, FileSource::open(file, engine::InputFormat::kCsv, options));
  size_t columns = 0;
  if (!mapping->header) {
    auto first = source->next();
    if (!first) return make_error("csv_mapping", file.string() + ": no data rows");
    std::vector<std::string_view> fields;
    std::string scratch;
    engine::split_csv_line(*first, mapping->delimiter, &fields, &scratch);
    columns = fields.size();
  }
  if (auto bound = mapping->bind(source->header(), columns); !bound) {
    return make_error("csv_mapping", file.string() + " with mapping " + mapping->name + ": " +
                                         bound.error().message);
  }
  return std::shared_ptr<const engine::CsvMapping>(std::move(mapping));
}

}  // namespace nexus::connectors
