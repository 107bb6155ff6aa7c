// The review desk's start-up, shared by `nexus desk` and `nexus demo --desk`: open (and
// migrate) the store, create the first admin, store an alerts file, consume the alerts
// topic, serve the API and the web UI until SIGINT/SIGTERM.
#pragma once

#include <map>
#include <string>

#ifndef NEXUS_DEFAULT_WEB_DIR
#define NEXUS_DEFAULT_WEB_DIR "web/dist"
#endif

namespace nexus::app {

struct DeskConfig {
  std::string address = "127.0.0.1";
  int port = 8470;
  std::string sqlite = "./nexus-data/desk.db";
  std::string postgres;  // libpq conninfo; when set, used instead of sqlite
  std::string alerts_file;
  std::map<std::string, std::string> kafka;  // with bootstrap.servers: consume alerts_topic
  std::string alerts_topic = "alerts";
  bool secure_cookies = false;
  std::string web_dir = NEXUS_DEFAULT_WEB_DIR;  // the built UI
  /// A rule directory (`rules:`), compiled at start: the rules page lists its rules, also
  /// those that never alerted. Default: none (the page shows what the alerts tell).
  std::string rules_dir;
  /// A lists data directory (`lists:`, what `nexus lists import --data-dir` writes): the
  /// lists page shows its lists. Default: none.
  std::string lists_dir;
};

/// Runs the desk until SIGINT/SIGTERM; returns the exit code (2: refused before serving).
int serve_desk(const DeskConfig& config);

}  // namespace nexus::app
