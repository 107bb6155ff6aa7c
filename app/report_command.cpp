// nexus report goaml: the goAML report of a desk case, validated against the schema before
// it is written, and its export recorded in the desk's audit chain.
#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/config_reader.hpp"
#include "app/desk_setup.hpp"
#include "connectors/case_material.hpp"
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

namespace nexus::app {
namespace {

struct ReportOptions {
  std::string config;
  std::string store;
  int64_t case_id = 0;
  std::string transactions;
  std::string entity;
  std::string schema;  // "": the config's goaml.schema
  std::string out = "report.xml";
  std::string user = "system";
};

int run_report(const ReportOptions& options) {
  DeskConfig config = load_desk_config(options.config);
  apply_store_option(&config, options.store);
  const desk::GoamlEntity entity =
      load_goaml_entity(options.entity.empty() ? config.goaml_entity : options.entity);
  const std::string schema_path = !options.schema.empty()        ? options.schema
                                  : !config.goaml_schema.empty() ? config.goaml_schema
                                                                 : NEXUS_DEFAULT_GOAML_SCHEMA;
  auto schema = desk::GoamlSchema::load(schema_path);
  if (!schema) {
    std::fprintf(stderr, "nexus: %s\n", schema.error().message.c_str());
    return 2;
  }
  if (!options.transactions.empty()) config.transaction_files = {options.transactions};
  std::string where;
  auto store = open_desk_store(config, &where);
  if (!store) {
    std::fprintf(stderr, "nexus: %s: %s\n", where.c_str(), store.error().message.c_str());
    return 2;
  }
  auto& desk_store = *store.value();
  auto material = connectors::gather_case_material(desk_store, desk::CaseId{options.case_id},
                                                   config.transaction_files);
  if (!material) {
    std::fprintf(stderr, "nexus: %s: %s\n", where.c_str(), material.error().message.c_str());
    return 2;
  }
  desk::CaseEvidence& gathered = material.value().evidence;
  for (const auto& file : material.value().unreadable) {
    std::fprintf(stderr, "nexus: warning: transactions file not read: %s\n", file.c_str());
  }
  if (!gathered.missing_transactions.empty()) {
    std::fprintf(stderr,
                 "nexus: warning: %zu transaction(s) behind the alerts are neither kept by the "
                 "desk nor in the transaction files (first: %s); the report leaves them out\n",
                 gathered.missing_transactions.size(),
                 gathered.missing_transactions.front().c_str());
  }
  const desk::GoamlCaseInput input = desk::goaml_case_input(
      std::move(gathered), std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count());
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
              schema_path.c_str(), static_cast<long long>(recorded.value()),
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
      "Transactions file (.ndjson or .pb) instead of the config's transactions: those the "
      "case's alerts name are reported (and kept by the desk)");
  goaml->add_option("--entity", options->entity,
                    "Reporting entity config (YAML); default: a marked placeholder");
  goaml->add_option(
      "--schema", options->schema,
      "goAML XSD (default: the config's goaml.schema, else " NEXUS_DEFAULT_GOAML_SCHEMA ")");
  goaml->add_option("--out,-o", options->out, "Report file")->capture_default_str();
  goaml->add_option("--user", options->user, "Who exports (the audit entry's actor)")
      ->capture_default_str();
  goaml->callback([options] { std::exit(run_report(*options)); });
}

}  // namespace nexus::app
