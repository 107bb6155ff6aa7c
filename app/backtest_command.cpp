// nexus backtest: history through two rule sets in one pass, compared per rule.
#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/screening_setup.hpp"
#include "connectors/file_source.hpp"
#include "engine/collecting_sinks.hpp"
#include "engine/engine.hpp"
#include "engine/memory_state_store.hpp"
#include "engine/rule_test_runner.hpp"
#include "rules/rule_diff.hpp"

#include "base/json_text.hpp"
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>

namespace nexus::app {

namespace {

struct BacktestOptions {
  std::string input;
  std::string rules_dir;
  std::string baseline_dir;
  std::string labels;
  std::string format = "text";
  std::string input_format;
  std::string lists_dir;
  std::string csv_map;
  std::string allowed_lateness = "1h";
  bool allow_failing_tests = false;
};

/// The planted scenarios of a labels file, by rule.
struct ScenariosByRule {
  std::map<std::string, std::vector<std::set<std::string>>> scenarios_by_rule;
  std::set<std::string> labelled;
};

ScenariosByRule read_labels(const std::string& path) {
  const Labels loaded = load_labels_or_exit(path);
  ScenariosByRule labels;
  labels.labelled = loaded.labelled;
  for (const auto& label : loaded.labels) {
    labels.scenarios_by_rule[label.rule].push_back(label.transactions);
  }
  return labels;
}

struct RuleRow {
  std::string rule;
  std::string version_before, version_after;
  std::string mode_before, mode_after;  // "live", "shadow", or "-" when absent from that set
  size_t before = 0, after = 0, added = 0, removed = 0;
  // With labels: alerts of the new set on labelled transactions, and scenarios caught.
  double precision = -1, recall = -1;
  size_t scenarios = 0, caught = 0;
  bool unversioned_change = false;                 // same id and version, different definition
  std::vector<rules::RuleDifference> differences;  // baseline -> candidate, part by part
  // Cost in the candidate set: evaluations and estimated time (sampled, see Metrics).
  uint64_t evaluations = 0;
  double seconds = 0;
};

std::string html_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

/// Microseconds per evaluation, for reading rule cost side by side.
std::string micros_per_eval(const RuleRow& row) {
  if (row.evaluations == 0) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f",
                row.seconds * 1e6 / static_cast<double>(row.evaluations));
  return buffer;
}

std::string version_text(const RuleRow& row) {
  std::string version = row.version_before == row.version_after ? row.version_after
                        : row.version_after == "-"              ? row.version_before + " (removed)"
                        : row.version_before == "-"             ? row.version_after + " (new)"
                                                    : row.version_before + "->" + row.version_after;
  if (row.unversioned_change) version += " CHANGED, same version";
  return version;
}

/// "live", "shadow", or the change: "shadow->live promoted", "live->shadow demoted".
std::string mode_text(const RuleRow& row) {
  if (row.mode_before == row.mode_after || row.mode_before == "-") return row.mode_after;
  if (row.mode_after == "-") return row.mode_before;
  return row.mode_before + "->" + row.mode_after +
         (row.mode_after == "live" ? " promoted" : " demoted");
}

/// Alerts of each mode one engine raised: shadow ones are counted apart.
struct ModeTotals {
  size_t live = 0, shadow = 0;
};

/// One self-contained page (no scripts, no external files) for a review meeting.
void print_html(const BacktestOptions& options, const rules::RuleSet& baseline,
                const rules::RuleSet& candidate, uint64_t records, const std::vector<RuleRow>& rows,
                size_t changed_rules, bool labelled, bool modes, const ModeTotals& before,
                const ModeTotals& after, const std::vector<std::string>& mode_warnings) {
  auto ratio = [](double value) {
    if (value < 0) return std::string("-");
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%.2f", value);
    return std::string(buffer);
  };
  std::printf(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<title>nexus backtest</title>\n<style>\n"
      "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\n"
      "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em}\n"
      "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
      "tr.changed{background:#fff3cd}tr.warn{background:#f8d7da}\n"
      "</style></head><body>\n");
  std::printf("<h1>Backtest</h1>\n<p>%s: %llu records</p>\n", html_escape(options.input).c_str(),
              static_cast<unsigned long long>(records));
  std::printf("<p>baseline <code>%s</code> (%s), candidate <code>%s</code> (%s)</p>\n",
              html_escape(options.baseline_dir).c_str(), baseline.content_hash.c_str(),
              html_escape(options.rules_dir).c_str(), candidate.content_hash.c_str());
  std::printf("<p id=\"summary\">%zu rule(s) with differences</p>\n", changed_rules);
  if (modes) {
    std::printf(
        "<p id=\"modes\">live alerts: baseline %zu, candidate %zu; shadow alerts (not in the "
        "analysts' queue): baseline %zu, candidate %zu</p>\n",
        before.live, after.live, before.shadow, after.shadow);
  }
  std::printf(
      "<table>\n<tr><th>rule</th>%s"
      "<th>version</th><th>before</th><th>after</th><th>added</th><th>removed</th>"
      "<th>&micro;s/eval</th>%s</tr>\n",
      modes ? "<th>mode</th>" : "", labelled ? "<th>precision</th><th>recall</th>" : "");
  for (const auto& row : rows) {
    const char* css = row.unversioned_change       ? " class=\"warn\""
                      : (row.added || row.removed) ? " class=\"changed\""
                                                   : "";
    std::printf("<tr%s><td>%s</td>", css, html_escape(row.rule).c_str());
    if (modes) std::printf("<td>%s</td>", html_escape(mode_text(row)).c_str());
    std::printf(
        "<td>%s</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
        "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%s</td>",
        html_escape(version_text(row)).c_str(), row.before, row.after, row.added, row.removed,
        micros_per_eval(row).c_str());
    if (labelled) {
      std::printf("<td class=\"n\">%s</td><td class=\"n\">%s</td>", ratio(row.precision).c_str(),
                  ratio(row.recall).c_str());
    }
    std::printf("</tr>\n");
  }
  std::printf("</table>\n");
  for (const auto& row : rows) {
    if (row.differences.empty()) continue;
    std::printf(
        "<h2>%s %s</h2>\n<table class=\"diff\">\n<tr><th>part</th><th>baseline</th>"
        "<th>candidate</th></tr>\n",
        html_escape(row.rule).c_str(), html_escape(version_text(row)).c_str());
    for (const auto& difference : row.differences) {
      std::printf("<tr><td>%s</td><td><code>%s</code></td><td><code>%s</code></td></tr>\n",
                  html_escape(difference.what).c_str(), html_escape(difference.before).c_str(),
                  html_escape(difference.after).c_str());
    }
    std::printf("</table>\n");
  }
  for (const auto& row : rows) {
    if (row.unversioned_change) {
      std::printf(
          "<p class=\"warning\">warning: %s changed its definition but kept version %s: "
          "bump the version so alerts tell the two apart</p>\n",
          html_escape(row.rule).c_str(), html_escape(row.version_after).c_str());
    }
  }
  for (const auto& warning : mode_warnings) {
    std::printf("<p class=\"warning\">warning: %s</p>\n", html_escape(warning).c_str());
  }
  std::printf("</body></html>\n");
}

int run_backtest(const BacktestOptions& options) {
  auto candidate = load_rules_or_exit(options.rules_dir);
  auto baseline = load_rules_or_exit(options.baseline_dir);
  // A candidate that fails its own examples is not the rule its author meant: comparing
  // it would put numbers on a mistake. Refused unless asked for.
  size_t failing_tests = 0;
  for (const auto& result : engine::run_rule_tests(candidate)) {
    if (result.passed) continue;
    ++failing_tests;
    std::fprintf(stderr, "FAIL %s test '%s' (expects %s): %s: %s\n", result.rule_id.c_str(),
                 result.test_name.c_str(), result.expect_alert ? "an alert" : "no alert",
                 result.where.c_str(), result.detail.c_str());
  }
  if (failing_tests > 0 && !options.allow_failing_tests) {
    std::fprintf(stderr,
                 "nexus: the candidate rules in %s fail %zu of their own inline test(s) (nexus "
                 "rules test %s): fix them, or pass --allow-failing-tests to backtest anyway\n",
                 options.rules_dir.c_str(), failing_tests, options.rules_dir.c_str());
    return 2;
  }
  if (failing_tests > 0) {
    std::fprintf(stderr, "warning: backtesting a candidate that fails %zu inline test(s)\n",
                 failing_tests);
  }
  InputFile input_file = open_input_or_exit(options.input, options.input_format, options.csv_map);
  auto& source = input_file.source;
  // Both engines see every record once, in file order; their state stays in memory
  // (no checkpoints), so the comparison costs one read of the history.
  engine::MemoryStateStore baseline_store, candidate_store;
  engine::CollectingAlertSink baseline_alerts, candidate_alerts;
  engine::CollectingAlertSink baseline_shadow, candidate_shadow;
  engine::CollectingDeadLetterSink dead_letters;
  // One screener for both: its answers depend on the lists only, never on the rules.
  auto screener = make_screener_or_exit(options.lists_dir);
  const engine::EngineConfig config = engine_config_or_exit(options.allowed_lateness);
  engine::Engine old_engine(baseline, engine::FxTable::defaults(), baseline_store, baseline_alerts,
                            dead_letters, screener.get(), config);
  engine::Engine new_engine(candidate, engine::FxTable::defaults(), candidate_store,
                            candidate_alerts, dead_letters, screener.get(), config);
  old_engine.set_shadow_sink(&baseline_shadow);
  new_engine.set_shadow_sink(&candidate_shadow);
  if (input_file.csv) {
    old_engine.set_csv_mapping(input_file.csv);
    new_engine.set_csv_mapping(input_file.csv);
  }
  while (auto record = source->next()) {
    engine::InputRecord input{*record, input_file.format, "backtest", 0, source->ordinal()};
    if (!old_engine.process(input) || !new_engine.process(input)) {
      std::fprintf(stderr, "nexus: state failure during backtest\n");
      return 1;
    }
  }
  // A final checkpoint (in memory) publishes the per-rule counts and times to the metrics.
  if (!old_engine.checkpoint() || !new_engine.checkpoint()) {
    std::fprintf(stderr, "nexus: state failure during backtest\n");
    return 1;
  }
  const auto costs = new_engine.metrics().rules();
  // Per rule, the triggering transaction of every alert, live or shadow (a rule id is one
  // rule of a set, in one mode): a shadow rule is compared on the alerts it would raise.
  auto triggers = [](const engine::CollectingAlertSink& live,
                     const engine::CollectingAlertSink& shadow) {
    std::map<std::string, std::set<std::string>> out;
    for (const auto* sink : {&live, &shadow}) {
      for (const auto& alert : sink->alerts) out[alert.rule_id()].insert(alert.transaction_ids(0));
    }
    return out;
  };
  auto baseline_triggers = triggers(baseline_alerts, baseline_shadow);
  auto candidate_triggers = triggers(candidate_alerts, candidate_shadow);
  const ModeTotals baseline_totals{baseline_alerts.alerts.size(), baseline_shadow.alerts.size()};
  const ModeTotals candidate_totals{candidate_alerts.alerts.size(), candidate_shadow.alerts.size()};
  // The mode column shows when either set has a shadow rule; all-live reports read as before.
  const bool modes = baseline->has_shadow_rules() || candidate->has_shadow_rules();
  const auto mode_warnings = rules::mode_changes_without_version_bump(*baseline, *candidate);
  std::optional<ScenariosByRule> labels;
  if (!options.labels.empty()) labels = read_labels(options.labels);

  std::map<std::string, std::pair<std::string, std::string>> versions;
  std::map<std::string, std::pair<std::string, std::string>> fingerprints;
  std::map<std::string, std::pair<const rules::Rule*, const rules::Rule*>> definitions;
  for (const auto& rule : baseline->rules) {
    versions[rule.id].first = std::to_string(rule.version);
    fingerprints[rule.id].first = rule.fingerprint;
    definitions[rule.id].first = &rule;
  }
  for (const auto& rule : candidate->rules) {
    versions[rule.id].second = std::to_string(rule.version);
    fingerprints[rule.id].second = rule.fingerprint;
    definitions[rule.id].second = &rule;
  }
  std::vector<RuleRow> rows;
  size_t changed_rules = 0;
  for (const auto& [rule, version] : versions) {
    RuleRow row;
    row.rule = rule;
    row.version_before = version.first.empty() ? "-" : version.first;
    row.version_after = version.second.empty() ? "-" : version.second;
    const auto& [old_definition, new_definition] = definitions[rule];
    row.mode_before = old_definition ? rules::rule_mode_name(old_definition->mode) : "-";
    row.mode_after = new_definition ? rules::rule_mode_name(new_definition->mode) : "-";
    // Alerts record id and version: a changed definition under the same version would make
    // two different rules indistinguishable in the audit trail.
    row.unversioned_change = version.first == version.second && !version.first.empty() &&
                             fingerprints[rule].first != fingerprints[rule].second;
    if (const auto& [old_rule, new_rule] = definitions[rule]; old_rule && new_rule) {
      row.differences = rules::rule_differences(*baseline, *old_rule, *candidate, *new_rule);
    }
    const auto& before = baseline_triggers[rule];
    const auto& after = candidate_triggers[rule];
    row.before = before.size();
    row.after = after.size();
    for (const auto& id : after) row.added += before.count(id) ? 0 : 1;
    for (const auto& id : before) row.removed += after.count(id) ? 0 : 1;
    if (row.added || row.removed) ++changed_rules;
    if (auto cost = costs.find(rule); cost != costs.end()) {
      row.evaluations = cost->second.evaluations;
      row.seconds = cost->second.seconds;
    }
    if (labels) {
      size_t on_labelled = 0;
      for (const auto& id : after) on_labelled += labels->labelled.count(id);
      row.precision = after.empty() ? -1 : static_cast<double>(on_labelled) / after.size();
      for (const auto& scenario : labels->scenarios_by_rule[rule]) {
        ++row.scenarios;
        for (const auto& id : after) {
          if (scenario.count(id)) {
            ++row.caught;
            break;
          }
        }
      }
      row.recall = row.scenarios ? static_cast<double>(row.caught) / row.scenarios : -1;
    }
    rows.push_back(row);
  }

  auto ratio = [](double value) {
    if (value < 0) return std::string("-");
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%.2f", value);
    return std::string(buffer);
  };
  if (options.format == "json") {
    nlohmann::json out;
    out["input"] = options.input;
    out["baseline"] = {{"dir", options.baseline_dir}, {"hash", baseline->content_hash}};
    out["candidate"] = {{"dir", options.rules_dir}, {"hash", candidate->content_hash}};
    out["records"] = new_engine.metrics().records_in.load();
    out["rules_changed"] = changed_rules;
    out["alerts"] = {
        {"baseline", {{"live", baseline_totals.live}, {"shadow", baseline_totals.shadow}}},
        {"candidate", {{"live", candidate_totals.live}, {"shadow", candidate_totals.shadow}}}};
    for (const auto& warning : mode_warnings) out["warnings"].push_back(warning);
    for (const auto& row : rows) {
      nlohmann::json entry = {{"rule", row.rule},
                              {"version_before", row.version_before},
                              {"version_after", row.version_after},
                              {"mode_before", row.mode_before},
                              {"mode_after", row.mode_after},
                              {"before", row.before},
                              {"after", row.after},
                              {"added", row.added},
                              {"removed", row.removed},
                              {"changed_without_version_bump", row.unversioned_change},
                              {"evaluations", row.evaluations},
                              {"seconds", row.seconds}};
      for (const auto& difference : row.differences) {
        entry["differences"].push_back({{"what", difference.what},
                                        {"before", difference.before},
                                        {"after", difference.after}});
      }
      if (labels) {
        entry["precision"] = row.precision < 0 ? nlohmann::json() : nlohmann::json(row.precision);
        entry["recall"] = row.recall < 0 ? nlohmann::json() : nlohmann::json(row.recall);
        entry["scenarios"] = row.scenarios;
        entry["caught"] = row.caught;
      }
      out["rules"].push_back(entry);
    }
    std::printf("%s\n", json_text(out, 2).c_str());
  } else if (options.format == "html") {
    print_html(options, *baseline, *candidate, new_engine.metrics().records_in.load(), rows,
               changed_rules, labels.has_value(), modes, baseline_totals, candidate_totals,
               mode_warnings);
  } else {
    const bool markdown = options.format == "markdown";
    std::printf("%sbacktest of %s over %llu records\n", markdown ? "## " : "",
                options.input.c_str(),
                static_cast<unsigned long long>(new_engine.metrics().records_in.load()));
    std::printf("%sbaseline %s (%s), candidate %s (%s)\n\n", markdown ? "\n" : "",
                options.baseline_dir.c_str(), baseline->content_hash.c_str(),
                options.rules_dir.c_str(), candidate->content_hash.c_str());
    if (modes) {
      std::printf(
          "live alerts: baseline %zu, candidate %zu; shadow alerts (not in the analysts' "
          "queue): baseline %zu, candidate %zu\n\n",
          baseline_totals.live, candidate_totals.live, baseline_totals.shadow,
          candidate_totals.shadow);
    }
    const std::string header = std::string("| rule |") + (modes ? " mode |" : "") +
                               " version | before | after | added | removed | us/eval |" +
                               (labels ? " precision | recall |" : "");
    if (markdown) {
      std::printf("%s\n|---|%s---|---|---|---|---|---|%s\n", header.c_str(), modes ? "---|" : "",
                  labels ? "---|---|" : "");
    }
    // Long rule ids and "1 CHANGED, same version" widen their columns, never shift the rest.
    int rule_width = 28, version_width = 8, mode_width = 6;
    for (const auto& row : rows) {
      rule_width = std::max(rule_width, static_cast<int>(row.rule.size()));
      version_width = std::max(version_width, static_cast<int>(version_text(row).size()));
      mode_width = std::max(mode_width, static_cast<int>(mode_text(row).size()));
    }
    if (!markdown) {
      std::printf("%-*s ", rule_width, "rule");
      if (modes) std::printf("%-*s ", mode_width, "mode");
      std::printf("%-*s %8s %8s %8s %8s %8s%s\n", version_width, "version", "before", "after",
                  "added", "removed", "us/eval", labels ? "  precision   recall" : "");
    }
    for (const auto& row : rows) {
      const std::string version_shown = version_text(row);
      if (markdown) {
        std::printf("| %s |", row.rule.c_str());
        if (modes) std::printf(" %s |", mode_text(row).c_str());
        std::printf(" %s | %zu | %zu | %zu | %zu | %s |", version_shown.c_str(), row.before,
                    row.after, row.added, row.removed, micros_per_eval(row).c_str());
        if (labels)
          std::printf(" %s | %s |", ratio(row.precision).c_str(), ratio(row.recall).c_str());
        std::printf("\n");
      } else {
        std::printf("%-*s ", rule_width, row.rule.c_str());
        if (modes) std::printf("%-*s ", mode_width, mode_text(row).c_str());
        std::printf("%-*s %8zu %8zu %8zu %8zu %8s", version_width, version_shown.c_str(),
                    row.before, row.after, row.added, row.removed, micros_per_eval(row).c_str());
        if (labels) {
          std::printf("  %9s %8s", ratio(row.precision).c_str(), ratio(row.recall).c_str());
        }
        std::printf("\n");
      }
    }
    std::printf("\n%zu rule(s) with differences; us/eval: the candidate's time per evaluation\n",
                changed_rules);
    bool heading = false;
    for (const auto& row : rows) {
      if (row.differences.empty()) continue;
      if (!heading)
        std::printf("\n%sdefinitions changed (- baseline, + candidate)\n", markdown ? "### " : "");
      heading = true;
      std::printf("%s%s %s\n", markdown ? "\n" : "", row.rule.c_str(), version_text(row).c_str());
      for (const auto& difference : row.differences) {
        std::printf("%s  - %s: %s\n%s  + %s: %s\n", markdown ? "    " : "", difference.what.c_str(),
                    difference.before.c_str(), markdown ? "    " : "", difference.what.c_str(),
                    difference.after.c_str());
      }
    }
    for (const auto& row : rows) {
      if (row.unversioned_change) {
        std::printf(
            "warning: %s changed its definition but kept version %s: bump the version so "
            "alerts tell the two apart\n",
            row.rule.c_str(), row.version_after.c_str());
      }
    }
    for (const auto& warning : mode_warnings) std::printf("warning: %s\n", warning.c_str());
  }
  return 0;
}

}  // namespace

void add_backtest_command(CLI::App& app) {
  auto options = std::make_shared<BacktestOptions>();
  auto* command = app.add_subcommand(
      "backtest", "Replay history through a candidate and a baseline rule set; compare per rule");
  command->add_option("--input,-i", options->input, "Transactions (.ndjson, .pb or .csv)")
      ->required();
  command->add_option("--csv-map", options->csv_map,
                      "CSV input: a column mapping file or a preset (see nexus replay --help)");
  command->add_option("--rules", options->rules_dir, "Candidate rule directory")->required();
  command->add_option("--baseline", options->baseline_dir, "Baseline rule directory")->required();
  command->add_option("--labels", options->labels, "Generator labels: precision and recall");
  command->add_option("--format", options->format, "text, markdown, json or html")
      ->check(CLI::IsMember({"text", "markdown", "json", "html"}))
      ->capture_default_str();
  command->add_option("--input-format", options->input_format,
                      "ndjson, pb or csv (default: by extension)");
  command
      ->add_option("--allowed-lateness", options->allowed_lateness,
                   "Events further behind the newest event time are dead-lettered")
      ->capture_default_str();
  command->add_option("--lists", options->lists_dir,
                      "Screen parties against the lists imported in this data dir (nexus lists "
                      "import); default: no screening");
  command->add_flag("--allow-failing-tests", options->allow_failing_tests,
                    "Backtest even when the candidate fails its own inline tests (refused "
                    "otherwise)");
  command->callback([options] { std::exit(run_backtest(*options)); });
}

}  // namespace nexus::app
