// nexus labels: ground truth of public data sets as the labels NDJSON that replay and
// backtest read, so recall is measured on data nobody here wrote.
#include "app/commands.hpp"
#include "connectors/csv_mapping_loader.hpp"
#include "connectors/file_sink.hpp"
#include "connectors/file_source.hpp"
#include "engine/fx_table.hpp"
#include "engine/graph/pattern_listing.hpp"

#include "base/json_text.hpp"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <string_view>
#include <vector>

namespace nexus::app {

namespace {

/// The network rule expected to catch each IBM laundering family ("" for none).
std::string rule_for_ibm_family(const std::string& family) {
  static const std::map<std::string, std::string> kRules = {
      {"FAN-IN", "NET-FAN-IN"},
      {"FAN-OUT", "NET-FAN-OUT"},
      {"CYCLE", "NET-CYCLE"},
      {"SCATTER-GATHER", "NET-SCATTER-GATHER"},
      {"GATHER-SCATTER", "NET-GATHER-SCATTER"},
      {"STACK", "NET-LAYERING-CHAIN"},
      {"RANDOM", "NET-LAYERING-CHAIN"},
      {"BIPARTITE", "NET-LAYERING-CHAIN"}};
  auto found = kRules.find(family);
  return found == kRules.end() ? std::string() : found->second;
}

/// Decodes every row of `input` through the CSV preset (the ids it gives are the ones the
/// labels name), sorts by event time (ties in file order) and writes them to `out_path`.
void write_sorted_transactions(const std::string& preset, const std::string& input,
                               const std::string& out_path) {
  {
    auto mapping = connectors::csv_mapping_for_file(preset, input);
    if (!mapping) {
      std::fprintf(stderr, "nexus: %s\n", mapping.error().message.c_str());
      std::exit(2);
    }
    auto source =
        connectors::FileSource::open(input, engine::InputFormat::kCsv,
                                     {mapping.value()->header, mapping.value()->skip_prefixes});
    if (!source) {
      std::fprintf(stderr, "nexus: %s\n", source.error().message.c_str());
      std::exit(2);
    }
    const auto fx = engine::FxTable::defaults();
    std::vector<std::pair<int64_t, nexus::v1::Transaction>> rows;
    while (auto line = source.value()->next()) {
      nexus::v1::Transaction tx;
      engine::CsvMapping::RowError error;
      if (!mapping.value()->to_transaction(*line, source.value()->ordinal(), fx, &tx, &error)) {
        std::fprintf(stderr, "nexus: row %lld: %s: %s\n",
                     static_cast<long long>(source.value()->ordinal()), error.reason.c_str(),
                     error.detail.c_str());
        std::exit(2);
      }
      rows.emplace_back(tx.event_time().seconds(), std::move(tx));
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    auto format = connectors::format_for(out_path, "");
    if (!format || format.value() == engine::InputFormat::kCsv) {
      std::fprintf(stderr, "nexus: --transactions: write .ndjson or .pb\n");
      std::exit(2);
    }
    auto writer = connectors::MessageFileWriter::open(out_path, format.value());
    if (!writer) {
      std::fprintf(stderr, "nexus: %s\n", writer.error().message.c_str());
      std::exit(2);
    }
    for (const auto& row : rows) writer.value()->write(row.second);
    if (!writer.value()->flush()) {
      std::fprintf(stderr, "nexus: cannot write %s\n", out_path.c_str());
      std::exit(1);
    }
    std::printf("wrote %zu transactions, sorted by event time, to %s\n", rows.size(),
                out_path.c_str());
  }
}

std::string rule_for_amlsim_type(const std::string& type) {
  static const std::map<std::string, std::string> kRules = {
      {"fan_in", "NET-FAN-IN"},
      {"fan_out", "NET-FAN-OUT"},
      {"cycle", "NET-CYCLE"},
      {"scatter_gather", "NET-SCATTER-GATHER"},
      {"gather_scatter", "NET-GATHER-SCATTER"},
      {"stack", "NET-LAYERING-CHAIN"}};
  auto found = kRules.find(type);
  return found == kRules.end() ? std::string() : found->second;
}

}  // namespace

void add_labels_command(CLI::App& app) {
  struct Options {
    std::string input;
    std::string out = "labels.ndjson";
    std::string transactions;
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "labels",
      "Write the ground truth of a public data set as labels NDJSON (for replay/backtest "
      "--labels)");
  auto* ibm = command->add_subcommand(
      "ibm-patterns",
      "IBM AML *_Patterns.txt: one label per laundering attempt, transaction ids as the "
      "ibm-aml-patterns CSV preset names them");
  ibm->add_option("input", options->input, "The patterns file")->required();
  ibm->add_option("--out,-o", options->out, "Labels file")->capture_default_str();
  ibm->add_option("--transactions", options->transactions,
                  "Also write the attempts' transactions, sorted by event time, to this file "
                  "(.ndjson or .pb): the listing is grouped by attempt, not by time");
  auto* amlsim = command->add_subcommand(
      "amlsim-alerts",
      "AMLSim alerts.csv: one label per ALERT_ID, transaction ids as the amlsim-alerts CSV "
      "preset names them");
  amlsim->add_option("input", options->input, "The alerts.csv file")->required();
  amlsim->add_option("--out,-o", options->out, "Labels file")->capture_default_str();
  amlsim->add_option("--transactions", options->transactions,
                     "Also write its transactions, sorted by event time (.ndjson or .pb)");
  amlsim->callback([options] {
    std::ifstream in(options->input);
    std::string line;
    std::vector<std::string_view> fields;
    std::string scratch;
    if (!in || !std::getline(in, line) || !engine::split_csv_line(line, ',', &fields, &scratch)) {
      std::fprintf(stderr, "nexus: %s: cannot read its header\n", options->input.c_str());
      std::exit(2);
    }
    int alert_column = -1, type_column = -1, tx_column = -1;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i] == "ALERT_ID") alert_column = static_cast<int>(i);
      if (fields[i] == "ALERT_TYPE") type_column = static_cast<int>(i);
      if (fields[i] == "TX_ID") tx_column = static_cast<int>(i);
    }
    if (alert_column < 0 || type_column < 0 || tx_column < 0) {
      std::fprintf(stderr, "nexus: %s: needs the columns ALERT_ID, ALERT_TYPE and TX_ID\n",
                   options->input.c_str());
      std::exit(2);
    }
    std::vector<std::string> order;
    std::map<std::string, std::pair<std::string, std::vector<std::string>>> alerts;
    while (std::getline(in, line)) {
      if (line.empty() || !engine::split_csv_line(line, ',', &fields, &scratch) ||
          fields.size() <= static_cast<size_t>(std::max({alert_column, type_column, tx_column}))) {
        continue;
      }
      const std::string id(fields[static_cast<size_t>(alert_column)]);
      auto [entry, fresh] = alerts.try_emplace(id);
      if (fresh) {
        order.push_back(id);
        entry->second.first = std::string(fields[static_cast<size_t>(type_column)]);
      }
      entry->second.second.push_back("amlsim-" +
                                     std::string(fields[static_cast<size_t>(tx_column)]));
    }
    std::ofstream out(options->out, std::ios::binary);
    std::map<std::string, int> types;
    for (const auto& id : order) {
      const auto& [type, ids] = alerts[id];
      nlohmann::json label;
      label["scenario_id"] = "amlsim-alert-" + id;
      label["scenario"] = type;
      label["rule_id"] = rule_for_amlsim_type(type);
      label["transaction_ids"] = ids;
      out << json_text(label) << "\n";
      ++types[type];
    }
    out.close();  // std::exit below skips destructors: flush now
    if (!out) {
      std::fprintf(stderr, "nexus: cannot write %s\n", options->out.c_str());
      std::exit(1);
    }
    if (!options->transactions.empty()) {
      write_sorted_transactions("amlsim-alerts", options->input, options->transactions);
    }
    std::printf("wrote %zu alerts to %s:", order.size(), options->out.c_str());
    for (const auto& [type, count] : types) std::printf(" %s %d", type.c_str(), count);
    std::printf("\n");
    std::exit(0);
  });
  command->require_subcommand(1);
  ibm->callback([options] {
    auto attempts = graph::read_pattern_listing(options->input);
    if (!attempts) {
      std::fprintf(stderr, "nexus: %s\n", attempts.error().message.c_str());
      std::exit(2);
    }
    std::ofstream out(options->out, std::ios::binary);
    // Row ordinals count data rows in file order, as the CSV source does.
    int64_t ordinal = 0;
    std::map<std::string, int> families;
    for (const auto& attempt : attempts.value()) {
      nlohmann::json label;
      label["scenario_id"] = "ibm-line-" + std::to_string(attempt.line);
      label["scenario"] = attempt.family;
      label["rule_id"] = rule_for_ibm_family(attempt.family);
      label["parameters"] = attempt.parameters;
      auto& ids = label["transaction_ids"] = nlohmann::json::array();
      for (size_t i = 0; i < attempt.transactions.size(); ++i) {
        ids.push_back("ibm-pattern-" + std::to_string(ordinal++));
      }
      out << json_text(label) << "\n";
      ++families[attempt.family];
    }
    out.close();  // std::exit below skips destructors: flush now
    if (!out) {
      std::fprintf(stderr, "nexus: cannot write %s\n", options->out.c_str());
      std::exit(1);
    }
    if (!options->transactions.empty()) {
      write_sorted_transactions("ibm-aml-patterns", options->input, options->transactions);
    }
    std::printf("wrote %zu laundering attempts (%lld transactions) to %s:", attempts.value().size(),
                static_cast<long long>(ordinal), options->out.c_str());
    for (const auto& [family, count] : families) std::printf(" %s %d", family.c_str(), count);
    std::printf("\n");
    std::exit(0);
  });
}

}  // namespace nexus::app
