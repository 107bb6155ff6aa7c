// nexus: one binary, subcommands for every job. Wiring only: each subcommand's
// file puts production parts together.
#include "app/commands.hpp"
#include "app/screen_command.hpp"
#include "rules/field_catalog.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

namespace {

/// CLI11 reads an unknown word as an extra argument and answers `nexus bogus --help` with
/// the parent's help and exit 0. A word where a command belongs that names none is refused
/// here, with the closest command, before CLI11 parses.
bool refuse_unknown_command(CLI::App& app, int argc, char** argv, const std::string& path,
                            int index) {
  if (index >= argc) return false;
  const std::string word = argv[index];
  if (word.empty() || word[0] == '-') return false;
  const auto commands = app.get_subcommands([](const CLI::App*) { return true; });
  if (commands.empty()) return false;
  std::string hint, all;
  size_t best = 3;
  for (const CLI::App* command : commands) {
    if (command->get_name() == word) {
      return refuse_unknown_command(*app.get_subcommand(word), argc, argv, path + " " + word,
                                    index + 1);
    }
    all += (all.empty() ? "" : ", ") + command->get_name();
    const size_t distance = nexus::rules::edit_distance(word, command->get_name());
    if (distance < best) {
      best = distance;
      hint = command->get_name();
    }
  }
  if (app.get_require_subcommand_min() == 0) return false;  // a positional, not a command
  std::fprintf(stderr, "%s: unknown command '%s'%s\ncommands: %s (see %s --help)\n", path.c_str(),
               word.c_str(), hint.empty() ? "" : (" (did you mean '" + hint + "'?)").c_str(),
               all.c_str(), path.c_str());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Nexus: follows money between human trafficking and terrorist financing.\n"
      "Consumes payment events, screens parties, keeps state in RocksDB, evaluates AML/CFT\n"
      "rules and publishes explainable alerts."};
  app.set_version_flag("--version", "nexus " NEXUS_VERSION);
  app.require_subcommand(1);
  nexus::app::add_demo_command(app);
  nexus::app::add_run_command(app);
  nexus::app::add_replay_command(app);
  nexus::app::add_generate_command(app);
  nexus::app::add_rules_command(app);
  nexus::app::add_backtest_command(app);
  nexus::app::add_labels_command(app);
  nexus::app::add_broker_command(app);
  nexus::app::add_desk_command(app);
  nexus::app::add_audit_command(app);
  nexus::app::add_report_command(app);
  nexus::app::add_evidence_command(app);
  nexus::app::add_screening_commands(app);
  // `nexus lists rescreen` needs the engine and the state store; `lists` itself is above.
  nexus::app::add_rescreen_command(*app.get_subcommand("lists"));
  nexus::app::add_screen_server_command(app);
  if (refuse_unknown_command(app, argc, argv, "nexus", 1)) return 2;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    // `nexus screen` exits like grep: 0 match, 1 no match, 2 trouble (screen_command.hpp).
    if (argc > 1 && std::string(argv[1]) == "screen") return nexus::app::screen_exit_code(e);
    return code;
  }
  return 0;
}
