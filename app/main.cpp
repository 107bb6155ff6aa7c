// nexus: one binary, subcommands for every job. Wiring only: each subcommand's
// file puts production parts together.
#include "app/commands.hpp"
#include "app/screen_command.hpp"

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{
      "Nexus: follows money between human trafficking and terrorist financing.\n"
      "Consumes payment events, screens parties, keeps state in RocksDB, evaluates AML/CFT\n"
      "rules and publishes explainable alerts."};
  app.require_subcommand(1);
  nexus::app::add_demo_command(app);
  nexus::app::add_run_command(app);
  nexus::app::add_replay_command(app);
  nexus::app::add_generate_command(app);
  nexus::app::add_rules_command(app);
  nexus::app::add_backtest_command(app);
  nexus::app::add_labels_command(app);
  nexus::app::add_screening_commands(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
