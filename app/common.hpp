// Shared pieces of the nexus subcommands: rule loading, logging, the run
// summary and the label (recall) report. Main thread only.
#pragma once

#include "connectors/file_source.hpp"
#include "engine/csv_mapping.hpp"
#include "engine/engine.hpp"
#include "engine/metrics.hpp"
#include "nexus/v1/alert.pb.h"
#include "rules/rule_set.hpp"

#include "desk/case_evidence.hpp"
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace nexus::app {

/// The shipped packs: $NEXUS_RULES_DIR, else the source tree's rules/packs.
std::filesystem::path default_rules_dir();

/// Compiles a rule directory or exits with status 2 and the compiler's messages.
std::shared_ptr<const rules::RuleSet> load_rules_or_exit(const std::filesystem::path& dir);

/// The wall clock in ms since 1970: for the process's own events, logs and the future-event
/// guard, never for what a rule sees (that is event time).
int64_t wall_clock_ms();

/// One JSON object per line on stderr: {"ts":..., "level":..., "msg":..., ...}.
void log_json(const char* level, const std::string& message,
              const std::map<std::string, std::string>& fields = {});
/// The same with any JSON values (numbers, arrays, objects): each member of `fields`.
void log_json_object(const char* level, const std::string& message, const nlohmann::json& fields);

/// An HttpServer's report of a connection dropped in its TLS handshake (plain HTTP to the
/// HTTPS port, a scanner, a client that never handshakes): one log line at most every 10 s,
/// with how many were dropped since the last, so a flood of them cannot flood the log.
/// Called on the server thread only.
std::function<void(const std::string&, const std::string&)> dropped_handshake_log();

/// Counts alerts per rule and keeps the first few for display.
class AlertTally {
 public:
  void add(const nexus::v1::Alert& alert);
  const std::map<std::string, uint64_t>& by_rule() const { return by_rule_; }
  const std::vector<nexus::v1::Alert>& alerts() const { return alerts_; }
  uint64_t total() const { return total_; }

 private:
  std::map<std::string, uint64_t> by_rule_;
  std::vector<nexus::v1::Alert> alerts_;  // every alert, for the label report
  uint64_t total_ = 0;
};

/// Prints the end-of-run summary: counts, alerts by rule, dead letters by reason.
void print_summary(const engine::Metrics& metrics, const AlertTally& tally, double seconds);

/// An input file opened for reading, with its CSV mapping when it is CSV.
struct InputFile {
  std::unique_ptr<connectors::FileSource> source;
  engine::InputFormat format = engine::InputFormat::kNdjson;
  std::shared_ptr<const engine::CsvMapping> csv;  // set for CSV input
};
/// Prints the shadow rules' alerts apart from the live ones: their count and count by rule.
void print_shadow_summary(const AlertTally& shadow_tally);

/// Opens `path` (format from `format_override` or the extension; CSV needs `csv_map`, a
/// preset name or mapping file). Exits with status 2 and a plain message on failure.
InputFile open_input_or_exit(const std::string& path, const std::string& format_override,
                             const std::string& csv_map);

/// Engine settings from command-line text (`allowed_lateness` a duration such as 1h, 30d);
/// exits with status 2 on a bad value.
engine::EngineConfig engine_config_or_exit(const std::string& allowed_lateness);

/// Prints one alert the way an analyst reads it: rule, subject, each evidence line.
void print_alert(const nexus::v1::Alert& alert);

/// A generator labels file (`nexus generate --labels`): the planted scenarios.
struct Labels {
  struct Label {
    std::string id, scenario, rule;
    std::set<std::string> transactions;
  };
  std::filesystem::path path;
  std::vector<Label> labels;
  std::set<std::string> labelled;  // every transaction id of every scenario
};

/// Reads a labels file, or exits 2 naming the file and line of the first bad one (a file
/// that cannot be read, a line that is not a label, a file without labels). Called before
/// a replay starts, so a bad file costs nothing.
Labels load_labels_or_exit(const std::filesystem::path& path);

/// Prints recall per planted scenario family (an alert catches a scenario when it is the
/// scenario's rule and its trigger is one of the scenario's transactions) and the alerts per
/// rule, plus alerts on unlabelled traffic (and their rate per 100,000 unlabelled
/// events, `events` being all valid events judged). Returns the number of missed scenarios.
int print_label_report(const Labels& labels, const AlertTally& tally, const rules::RuleSet& rules,
                       uint64_t events);

}  // namespace nexus::app
