// nexus generate: synthetic traffic with planted, labelled scenarios.
#include "app/commands.hpp"
#include "app/common.hpp"
#include "connectors/file_sink.hpp"
#include "connectors/file_source.hpp"
#include "generator/generator.hpp"

#include <cstdio>
#include <fstream>

namespace nexus::app {

void add_generate_command(CLI::App& app) {
  struct Options {
    generator::GeneratorConfig config;
    std::string out;
    std::string labels;
    std::string format;
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "generate", "Write synthetic transactions with planted, labelled typology scenarios");
  command->add_option("--seed", options->config.seed, "Random seed")->capture_default_str();
  command->add_option("--accounts", options->config.accounts, "Background accounts")
      ->capture_default_str();
  command->add_option("--transactions", options->config.transactions, "Transactions in all")
      ->capture_default_str();
  command->add_option("--days", options->config.days, "Days of event time")->capture_default_str();
  command
      ->add_option("--scenarios", options->config.scenarios_per_rule, "Planted scenarios per rule")
      ->capture_default_str();
  command->add_option("--out,-o", options->out, "Output file (.ndjson or .pb)")->required();
  command->add_option("--labels", options->labels, "Labels file (NDJSON, one scenario a line)");
  command->add_option("--format", options->format, "ndjson or pb (default: by extension)");
  command->add_flag("--listed-parties", options->config.listed_party_scenarios,
                    "Also plant payments to parties named on the UN list (NX-HT-PAYS-LISTED); "
                    "they are caught only when the replay screens with --lists");
  command->callback([options] {
    auto format = connectors::format_for(options->out, options->format);
    if (!format) {
      std::fprintf(stderr, "nexus: %s\n", format.error().message.c_str());
      std::exit(2);
    }
    auto writer = connectors::MessageFileWriter::open(options->out, format.value());
    if (!writer) {
      std::fprintf(stderr, "nexus: %s\n", writer.error().message.c_str());
      std::exit(2);
    }
    std::vector<generator::ScenarioLabel> labels;
    generator::generate(
        options->config, [&](const nexus::v1::Transaction& tx) { writer.value()->write(tx); },
        &labels);
    if (auto flushed = writer.value()->flush(); !flushed) {
      std::fprintf(stderr, "nexus: %s\n", flushed.error().message.c_str());
      std::exit(1);
    }
    if (!options->labels.empty()) {
      std::ofstream out(options->labels, std::ios::binary);
      for (const auto& label : labels) out << generator::label_to_json(label) << "\n";
      if (!out) {
        std::fprintf(stderr, "nexus: cannot write %s\n", options->labels.c_str());
        std::exit(1);
      }
    }
    std::printf("wrote %llu transactions to %s",
                static_cast<unsigned long long>(writer.value()->written()), options->out.c_str());
    if (!options->labels.empty()) {
      std::printf(" and %zu planted scenarios to %s", labels.size(), options->labels.c_str());
    }
    std::printf("\n");
    std::exit(0);
  });
}

}  // namespace nexus::app
