// The nexus subcommands. Each add_* registers one subcommand on the CLI11 app;
// the callbacks run on the main thread.
#pragma once

#include <CLI/CLI.hpp>

namespace nexus::app {

void add_replay_command(CLI::App& app);
void add_generate_command(CLI::App& app);
void add_rules_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_demo_command(CLI::App& app);
void add_backtest_command(CLI::App& app);
void add_labels_command(CLI::App& app);
void add_broker_command(CLI::App& app);
void add_desk_command(CLI::App& app);
void add_audit_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_screen_server_command(CLI::App& app);
void add_evidence_command(CLI::App& app);
/// `nexus lists rescreen`, under the `lists` command.
void add_rescreen_command(CLI::App& lists_command);

}  // namespace nexus::app
