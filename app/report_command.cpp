// nexus report goaml: the goAML report of a desk case, validated against the schema before
// it is written, and its export recorded in the desk's audit chain.
#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/config_reader.hpp"
#include "app/desk_setup.hpp"
#include "rules/compiler.hpp"

#include "desk/case_evidence.hpp"
#include "desk/goaml_report.hpp"
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>

#ifndef NEXUS_DEFAULT_GOAML_SCHEMA
#define NEXUS_DEFAULT_GOAML_SCHEMA "goAMLSchema_5.0.1.xsd"
#endif

namespace nexus::app {
namespace {

struct ReportOptions {
  std::string config;
  std::string store;
  int64_t case_id = 0;
  std::string transactions;
  std::string entity;
  std::string schema = NEXUS_DEFAULT_GOAML_SCHEMA;
  std::string out = "report.xml";
  std::string user = "system";
};

std::map<std::string, std::string> read_code_map(const std::string& path, const YAML::Node& node,
                                                 const char* what) {
  std::map<std::string, std::string> out;
  if (!node) return out;
  if (!node.IsMap()) config_error(path, node.Mark(), std::string(what) + ": expected a map");
  for (const auto& item : node) {
    out[item.first.as<std::string>()] = read<std::string>(path, item.second, "", what);
  }
  return out;
}

// The entity config (YAML); unknown keys are refused at file:line.
desk::GoamlEntity load_entity(const std::string& path) {
  if (path.empty()) return desk::placeholder_goaml_entity();
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    std::fprintf(stderr, "nexus: %s: %s\n", path.c_str(), e.what());
    std::exit(2);
  }
  check_keys(path, root,
             {"rentity_id", "rentity_branch", "currency_code_local", "reporting_person", "location",
              "action", "transmode_codes", "funds_codes", "indicator_codes"},
             "the entity config");
  desk::GoamlEntity entity;
  entity.rentity_id = read<int64_t>(path, root["rentity_id"], 0, "rentity_id");
  entity.rentity_branch = read<std::string>(path, root["rentity_branch"], "", "rentity_branch");
  entity.currency_code_local =
      read<std::string>(path, root["currency_code_local"], "", "currency_code_local");
  if (const auto person = root["reporting_person"]) {
    check_keys(path, person, {"first_name", "last_name", "email", "occupation"},
               "reporting_person");
    entity.reporting_person.first_name =
        read<std::string>(path, person["first_name"], "", "first_name");
    entity.reporting_person.last_name =
        read<std::string>(path, person["last_name"], "", "last_name");
    entity.reporting_person.email = read<std::string>(path, person["email"], "", "email");
    entity.reporting_person.occupation =
        read<std::string>(path, person["occupation"], "", "occupation");
  }
  if (const auto location = root["location"]) {
    check_keys(path, location, {"address_type", "address", "city", "zip", "country_code", "state"},
               "location");
    entity.location.address_type =
        read<std::string>(path, location["address_type"], "-", "address_type");
    entity.location.address = read<std::string>(path, location["address"], "", "address");
    entity.location.city = read<std::string>(path, location["city"], "", "city");
    entity.location.zip = read<std::string>(path, location["zip"], "", "zip");
    entity.location.country_code =
        read<std::string>(path, location["country_code"], "", "country_code");
    entity.location.state = read<std::string>(path, location["state"], "", "state");
  }
  entity.action = read<std::string>(path, root["action"], entity.action, "action");
  entity.transmode_codes = read_code_map(path, root["transmode_codes"], "transmode_codes");
  entity.funds_codes = read_code_map(path, root["funds_codes"], "funds_codes");
  entity.indicator_codes = read_code_map(path, root["indicator_codes"], "indicator_codes");
  return entity;
}

int run_report(const ReportOptions& options) {
  const desk::GoamlEntity entity = load_entity(options.entity);
  auto schema = desk::GoamlSchema::load(options.schema);
  if (!schema) {
    std::fprintf(stderr, "nexus: %s\n", schema.error().message.c_str());
    return 2;
  }
  DeskConfig config = load_desk_config(options.config);
  apply_store_option(&config, options.store);
  std::string where;
  auto store = open_desk_store(config, &where);
  if (!store) {
    std::fprintf(stderr, "nexus: %s: %s\n", where.c_str(), store.error().message.c_str());
    return 2;
  }
  auto& desk_store = *store.value();
  std::optional<InputFile> file;
  if (!options.transactions.empty()) file.emplace(open_input_or_exit(options.transactions, "", ""));
  auto gathered = desk::gather_case_evidence(desk_store, desk::CaseId{options.case_id},
                                             file ? transaction_reader(*file) : nullptr);
  if (!gathered) {
    std::fprintf(stderr, "nexus: %s: %s\n", where.c_str(), gathered.error().message.c_str());
    return 2;
  }
  desk::GoamlCaseInput input;
  input.case_row = gathered.value().case_row;
  input.alerts = std::move(gathered.value().alerts);
  // goAML reports the transactions the alerts and their evidence name (not network pictures).
  const auto wanted_list = desk::goaml_transaction_ids(input.alerts);
  const std::set<std::string> wanted(wanted_list.begin(), wanted_list.end());
  for (auto& tx : gathered.value().transactions) {
    if (wanted.count(tx.id())) input.transactions.push_back(std::move(tx));
  }
  input.submission_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  auto report =
      desk::build_goaml_report(entity, input, engine::FxTable::defaults(), schema.value());
  if (!report) {
    std::fprintf(stderr, "nexus: the goAML report of case %lld is refused (%s):\n%s\n",
                 static_cast<long long>(options.case_id), report.error().code.c_str(),
                 report.error().message.c_str());
    return 1;
  }
  {
    std::ofstream out(options.out, std::ios::binary | std::ios::trunc);
    out << report.value().xml;
    if (!out.flush()) {
      std::fprintf(stderr, "nexus: %s: cannot write\n", options.out.c_str());
      return 2;
    }
  }
  const nlohmann::json after = {{"file", options.out},
                                {"sha256", rules::sha256_hex(report.value().xml)},
                                {"alerts", report.value().alerts},
                                {"transactions", report.value().transactions}};
  auto recorded =
      desk_store.record({options.user, "system", "report.goaml",
                         "case:" + std::to_string(options.case_id), "{}", after.dump()});
  if (!recorded) {
    std::fprintf(stderr, "nexus: the audit entry was not recorded: %s\n",
                 recorded.error().message.c_str());
    return 1;
  }
  std::printf("wrote %s: goAML %s of case %lld, %zu alert(s), %zu transaction(s)%s\n",
              options.out.c_str(), report.value().report_code.c_str(),
              static_cast<long long>(options.case_id), report.value().alerts,
              report.value().transactions,
              entity.placeholder ? " (PLACEHOLDER reporting entity: not for filing)" : "");
  std::printf("validated against %s\naudit entry %lld: report.goaml case:%lld sha256 %s\n",
              options.schema.c_str(), static_cast<long long>(recorded.value()),
              static_cast<long long>(options.case_id),
              rules::sha256_hex(report.value().xml).c_str());
  return 0;
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto options = std::make_shared<ReportOptions>();
  auto* report = app.add_subcommand("report", "Reports for the FIU out of desk cases");
  report->require_subcommand(1);
  auto* goaml = report->add_subcommand(
      "goaml",
      "The goAML 5.0.1 report of a case, validated against the schema before it is written");
  goaml->add_option("--config,-c", options->config, "The desk's YAML config (deploy/desk.yaml)");
  goaml->add_option("--store", options->store,
                    "SQLite file, or postgres:<libpq connection string> (overrides the config)");
  goaml->add_option("--case", options->case_id, "The case id")->required();
  goaml->add_option(
      "--transactions", options->transactions,
      "Transactions file (.ndjson or .pb): those the case's alerts name are reported");
  goaml->add_option("--entity", options->entity,
                    "Reporting entity config (YAML); default: a marked placeholder");
  goaml->add_option("--schema", options->schema, "goAML XSD")->capture_default_str();
  goaml->add_option("--out,-o", options->out, "Report file")->capture_default_str();
  goaml->add_option("--user", options->user, "Who exports (the audit entry's actor)")
      ->capture_default_str();
  goaml->callback([options] { std::exit(run_report(*options)); });
}

}  // namespace nexus::app
