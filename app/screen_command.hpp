// `nexus screen` and `nexus lists`: sanctions screening from the command line.
//
//   nexus screen "NAME" [--dob D] [--country CC] [--type person|entity|vessel] [--json]
//   nexus screen --file NAMES.txt            (NDJSON out, one object per input line, in order)
//   nexus lists import FILE... [--json]      (format from content; prints added/removed/changed)
//   nexus lists status
//
// All take --data-dir DIR (default ./nexus-data), where `lists import` keeps the
// versioned list index. Callbacks run on the main thread.
#pragma once

#include <CLI/CLI.hpp>

namespace nexus::app {

void add_screening_commands(CLI::App& app);

}  // namespace nexus::app
