// nexus labels: ground truth of public data sets as the labels NDJSON that replay and
// backtest read, so recall is measured on data nobody here wrote.
#include "app/commands.hpp"
#include "connectors/csv_mapping_loader.hpp"
#include "connectors/file_sink.hpp"
#include "connectors/file_source.hpp"
#include "engine/fx_table.hpp"

#include "graph/pattern_listing.hpp"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>

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
      out << label.dump() << "\n";
      ++families[attempt.family];
    }
    out.close();  // std::exit below skips destructors: flush now
    if (!out) {
      std::fprintf(stderr, "nexus: cannot write %s\n", options->out.c_str());
      std::exit(1);
    }
    if (!options->transactions.empty()) {
      // Decode every row through the ibm-aml-patterns preset (the ids it gives are the
      // ones the labels name), then sort by event time, ties in file order.
      auto mapping = connectors::csv_mapping_for_file("ibm-aml-patterns", options->input);
      if (!mapping) {
        std::fprintf(stderr, "nexus: %s\n", mapping.error().message.c_str());
        std::exit(2);
      }
      auto source =
          connectors::FileSource::open(options->input, engine::InputFormat::kCsv,
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
      auto format = connectors::format_for(options->transactions, "");
      if (!format || format.value() == engine::InputFormat::kCsv) {
        std::fprintf(stderr, "nexus: --transactions: write .ndjson or .pb\n");
        std::exit(2);
      }
      auto writer = connectors::MessageFileWriter::open(options->transactions, format.value());
      if (!writer) {
        std::fprintf(stderr, "nexus: %s\n", writer.error().message.c_str());
        std::exit(2);
      }
      for (const auto& row : rows) writer.value()->write(row.second);
      if (!writer.value()->flush()) {
        std::fprintf(stderr, "nexus: cannot write %s\n", options->transactions.c_str());
        std::exit(1);
      }
      std::printf("wrote %zu transactions, sorted by event time, to %s\n", rows.size(),
                  options->transactions.c_str());
    }
    std::printf("wrote %zu laundering attempts (%lld transactions) to %s:", attempts.value().size(),
                static_cast<long long>(ordinal), options->out.c_str());
    for (const auto& [family, count] : families) std::printf(" %s %d", family.c_str(), count);
    std::printf("\n");
    std::exit(0);
  });
}

}  // namespace nexus::app
