#include "app/common.hpp"

#include "connectors/csv_mapping_loader.hpp"
#include "engine/evaluator.hpp"
#include "engine/timezone/zone_table.hpp"
#include "engine/transaction_decoder.hpp"
#include "rules/compiler.hpp"
#include "rules/duration.hpp"

#include "base/json_text.hpp"
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <set>

#ifndef NEXUS_DEFAULT_RULES_DIR
#define NEXUS_DEFAULT_RULES_DIR "rules/packs"
#endif

namespace nexus::app {

std::filesystem::path default_rules_dir() {
  if (const char* env = std::getenv("NEXUS_RULES_DIR"); env && *env) return env;
  return NEXUS_DEFAULT_RULES_DIR;
}

std::shared_ptr<const rules::RuleSet> load_rules_or_exit(const std::filesystem::path& dir) {
  auto compiled = rules::compile_rule_dir(dir);
  if (!compiled) {
    std::cerr << "nexus: rules refused:\n" << compiled.error().message << "\n";
    std::exit(2);
  }
  // Rules read `hour` and `weekday` on the clock of the event's place: without the tz
  // database they would silently read UTC.
  if (const auto& zones = timezone::ZoneTable::system(); !zones) {
    std::cerr << "nexus: " << zones.error().message << "\n";
    std::exit(2);
  }
  return compiled.value();
}

int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void log_json(const char* level, const std::string& message,
              const std::map<std::string, std::string>& fields) {
  nlohmann::json line;
  line["ts"] = engine::format_rfc3339_ms(wall_clock_ms());
  line["level"] = level;
  line["msg"] = message;
  for (const auto& [key, value] : fields) line[key] = value;
  std::cerr << json_text(line) << "\n";
}

void log_json_object(const char* level, const std::string& message, const nlohmann::json& fields) {
  nlohmann::json line;
  line["ts"] = engine::format_rfc3339_ms(wall_clock_ms());
  line["level"] = level;
  line["msg"] = message;
  for (const auto& [key, value] : fields.items()) line[key] = value;
  std::cerr << json_text(line) << "\n";
}

void AlertTally::add(const nexus::v1::Alert& alert) {
  ++by_rule_[alert.rule_id()];
  ++total_;
  alerts_.push_back(alert);
}

void print_summary(const engine::Metrics& metrics, const AlertTally& tally, double seconds) {
  const uint64_t records = metrics.records_in.load();
  std::printf("\n== Summary ==\n");
  std::printf("records read        %llu\n", static_cast<unsigned long long>(records));
  std::printf("events evaluated    %llu\n",
              static_cast<unsigned long long>(metrics.events_processed.load()));
  std::printf("dead-lettered       %llu\n",
              static_cast<unsigned long long>(metrics.dead_letters.load()));
  for (const auto& [reason, count] : metrics.dead_letters_by_reason()) {
    std::printf("  %-22s %llu\n", reason.c_str(), static_cast<unsigned long long>(count));
  }
  if (const uint64_t duplicates = metrics.duplicates.load()) {
    std::printf("redelivered         %llu (same transaction again: not counted twice)\n",
                static_cast<unsigned long long>(duplicates));
  }
  std::printf("alerts              %llu (suppressed repeats: %llu)\n",
              static_cast<unsigned long long>(tally.total()),
              static_cast<unsigned long long>(metrics.alerts_suppressed.load()));
  for (const auto& [rule, count] : tally.by_rule()) {
    std::printf("  %-28s %llu\n", rule.c_str(), static_cast<unsigned long long>(count));
  }
  const auto rule_stats = metrics.rules();
  if (!rule_stats.empty()) {
    std::printf("rules               %-28s %10s %8s %10s\n", "", "evaluated", "held", "us/eval");
    for (const auto& [rule, stats] : rule_stats) {
      const std::string shown = stats.mode == "shadow" ? rule + " (shadow)" : rule;
      std::printf(
          "  %-46s %10llu %8llu %10.3f\n", shown.c_str(),
          static_cast<unsigned long long>(stats.evaluations),
          static_cast<unsigned long long>(stats.hits),
          stats.evaluations ? stats.seconds * 1e6 / static_cast<double>(stats.evaluations) : 0.0);
    }
  }
  if (seconds > 0) {
    std::printf("elapsed             %.2f s (%.0f records/s)\n", seconds,
                static_cast<double>(records) / seconds);
  }
}

void print_shadow_summary(const AlertTally& shadow_tally) {
  std::printf("shadow alerts       %llu (shadow rules: kept apart, not for the analysts' queue)\n",
              static_cast<unsigned long long>(shadow_tally.total()));
  for (const auto& [rule, count] : shadow_tally.by_rule()) {
    std::printf("  %-28s %llu\n", rule.c_str(), static_cast<unsigned long long>(count));
  }
}

void print_alert(const nexus::v1::Alert& alert) {
  static const char* kSeverity[] = {"?", "low", "medium", "high", "critical"};
  const int severity = static_cast<int>(alert.severity());
  std::printf("\n%s %s  %s v%u  [%s]\n", alert.shadow() ? "SHADOW ALERT" : "ALERT",
              alert.id().c_str(), alert.rule_id().c_str(), alert.rule_version(),
              kSeverity[severity >= 0 && severity <= 4 ? severity : 0]);
  std::printf("  %s\n", alert.title().c_str());
  const int64_t ms = alert.event_time().seconds() * 1000 + alert.event_time().nanos() / 1'000'000;
  std::printf("  subject %s at %s, trigger %s\n", alert.subject().c_str(),
              engine::format_rfc3339_ms(ms).c_str(),
              alert.transaction_ids_size() ? alert.transaction_ids(0).c_str() : "-");
  for (const auto& evidence : alert.evidence()) {
    std::printf("  - %s = %s", evidence.name().c_str(), evidence.observed().c_str());
    if (!evidence.op().empty() && evidence.op() != "=" && evidence.op() != "is") {
      std::printf("  (%s %s)", evidence.op().c_str(), evidence.threshold().c_str());
    }
    if (evidence.window_ms() > 0) {
      std::printf("  window %s, key %s, %d tx",
                  rules::format_duration(evidence.window_ms()).c_str(),
                  evidence.window_key().c_str(), evidence.transaction_ids_size());
    }
    if (!evidence.detail().empty()) std::printf("  [%s]", evidence.detail().c_str());
    std::printf("\n");
  }
  for (const auto& picture : alert.subgraphs()) {
    std::printf("  - %s: %d accounts, %d payments%s\n", picture.label().c_str(),
                picture.nodes_size(), picture.edges_size(),
                picture.truncated() ? " (more left out)" : "");
    constexpr int kShown = 8;
    for (int i = 0; i < picture.edges_size() && i < kShown; ++i) {
      const auto& edge = picture.edges(i);
      const int64_t at = edge.time().seconds() * 1000 + edge.time().nanos() / 1'000'000;
      std::printf("      %s -> %s  %s USD  %s  %s\n", edge.from().c_str(), edge.to().c_str(),
                  engine::format_number(edge.amount_usd()).c_str(),
                  engine::format_rfc3339_ms(at).c_str(), edge.transaction_id().c_str());
    }
    if (picture.edges_size() > kShown) {
      std::printf("      ... %d more\n", picture.edges_size() - kShown);
    }
  }
  for (const auto& hit : alert.sanctions_hits()) {
    std::printf("  - sanctions: %s matched %s %s '%s' score %.2f (%s)\n", hit.party_role().c_str(),
                hit.list().c_str(), hit.reference().c_str(), hit.matched_name().c_str(),
                hit.score(), hit.programme().c_str());
    if (!hit.basis().empty()) std::printf("    basis: %s\n", hit.basis().c_str());
    if (hit.list_version() > 0) {
      std::printf("    list: %s version %u%s\n", hit.list().c_str(), hit.list_version(),
                  hit.list_source_version().empty()
                      ? ""
                      : (" (published " + hit.list_source_version() + ")").c_str());
    }
  }
  std::printf("  source: %s\n", alert.source().c_str());
}

Labels load_labels_or_exit(const std::filesystem::path& labels_path) {
  Labels labels;
  labels.path = labels_path;
  std::ifstream in(labels_path);
  if (!in) {
    std::fprintf(stderr, "nexus: cannot read labels %s\n", labels_path.c_str());
    std::exit(2);
  }
  auto refuse = [&labels_path](int line_number, const std::string& why) {
    std::fprintf(stderr,
                 "nexus: %s:%d: %s (a labels file holds one JSON object per line with "
                 "scenario_id, scenario, rule_id and transaction_ids, as `nexus generate "
                 "--labels` writes)\n",
                 labels_path.c_str(), line_number, why.c_str());
    std::exit(2);
  };
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    const auto json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_discarded() || !json.is_object()) refuse(line_number, "not a JSON object");
    Labels::Label label;
    for (auto [key, field] :
         {std::pair{"scenario_id", &label.id}, std::pair{"scenario", &label.scenario},
          std::pair{"rule_id", &label.rule}}) {
      if (!json.contains(key) || !json[key].is_string()) {
        refuse(line_number, std::string("'") + key + "' must be a string");
      }
      *field = json[key].get<std::string>();
    }
    if (!json.contains("transaction_ids") || !json["transaction_ids"].is_array()) {
      refuse(line_number, "'transaction_ids' must be a list of transaction ids");
    }
    for (const auto& id : json["transaction_ids"]) {
      if (!id.is_string()) refuse(line_number, "'transaction_ids' must hold strings");
      label.transactions.insert(id.get<std::string>());
      labels.labelled.insert(id.get<std::string>());
    }
    labels.labels.push_back(std::move(label));
  }
  if (labels.labels.empty()) {
    std::fprintf(stderr, "nexus: %s: no labels in the file\n", labels_path.c_str());
    std::exit(2);
  }
  return labels;
}

int print_label_report(const Labels& planted, const AlertTally& tally, const rules::RuleSet& rules,
                       uint64_t events) {
  const auto& labels = planted.labels;
  const auto& labelled = planted.labelled;
  const auto& labels_path = planted.path;
  // An alert catches a scenario when it is the scenario's rule and its trigger is one
  // of the scenario's transactions.
  std::map<std::string, std::pair<int, int>> by_scenario;  // family -> caught, planted
  int missed = 0;
  for (const auto& label : labels) {
    bool caught = false;
    for (const auto& alert : tally.alerts()) {
      if (alert.rule_id() == label.rule && alert.transaction_ids_size() > 0 &&
          label.transactions.count(alert.transaction_ids(0))) {
        caught = true;
        break;
      }
    }
    auto& entry = by_scenario[label.scenario + " -> " + label.rule];
    entry.second += 1;
    entry.first += caught ? 1 : 0;
    if (!caught) {
      ++missed;
      std::printf("  missed %s (%s)\n", label.id.c_str(), label.rule.c_str());
    }
  }
  std::printf("\n== Planted scenarios (labels: %s) ==\n", labels_path.c_str());
  int width = 46;  // long scenario and rule names widen the column, never shift the numbers
  for (const auto& entry : by_scenario)
    width = std::max(width, static_cast<int>(entry.first.size()));
  std::printf("  %-*s %8s %8s %8s\n", width, "scenario -> rule", "planted", "caught", "recall");
  for (const auto& [name, counts] : by_scenario) {
    std::printf("  %-*s %8d %8d %8.2f\n", width, name.c_str(), counts.second, counts.first,
                counts.second ? static_cast<double>(counts.first) / counts.second : 0.0);
  }
  const double background =
      events > labelled.size() ? static_cast<double>(events - labelled.size()) : 0.0;
  std::printf("\n== Alerts per rule: on planted vs unlabelled traffic ==\n");
  int rule_width = 28;
  for (const auto& rule : rules.rules) {
    rule_width = std::max(rule_width, static_cast<int>(rule.id.size()));
  }
  std::printf("  %-*s %8s %10s %12s %14s\n", rule_width, "rule", "alerts", "planted", "unlabelled",
              "per 100k unl.");
  for (const auto& rule : rules.rules) {
    // A shadow rule's alerts are not in the live tally: a row of zeros would mislead.
    if (rule.mode == rules::RuleMode::kShadow) continue;
    int on_planted = 0, unlabelled = 0;
    for (const auto& alert : tally.alerts()) {
      if (alert.rule_id() != rule.id || alert.transaction_ids_size() == 0) continue;
      if (labelled.count(alert.transaction_ids(0))) {
        ++on_planted;
      } else {
        ++unlabelled;
      }
    }
    std::printf("  %-*s %8d %10d %12d %14.2f\n", rule_width, rule.id.c_str(),
                on_planted + unlabelled, on_planted, unlabelled,
                background > 0 ? unlabelled * 1e5 / background : 0.0);
  }
  return missed;
}

InputFile open_input_or_exit(const std::string& path, const std::string& format_override,
                             const std::string& csv_map) {
  InputFile input;
  auto format = connectors::format_for(path, format_override);
  if (!format) {
    std::fprintf(stderr, "nexus: %s\n", format.error().message.c_str());
    std::exit(2);
  }
  input.format = format.value();
  connectors::CsvReadOptions csv_options;
  if (input.format == engine::InputFormat::kCsv) {
    if (csv_map.empty()) {
      std::string names;
      for (const auto& name : connectors::csv_mapping_presets()) {
        names += (names.empty() ? "" : ", ") + name;
      }
      std::fprintf(stderr,
                   "nexus: %s is CSV: say how its columns map with --csv-map (a preset: %s; "
                   "or a mapping file)\n",
                   path.c_str(), names.c_str());
      std::exit(2);
    }
    auto mapping = connectors::csv_mapping_for_file(csv_map, path);
    if (!mapping) {
      std::fprintf(stderr, "nexus: %s\n", mapping.error().message.c_str());
      std::exit(2);
    }
    input.csv = mapping.value();
    csv_options = {input.csv->header, input.csv->skip_prefixes};
  }
  auto source = connectors::FileSource::open(path, input.format, csv_options);
  if (!source) {
    std::fprintf(stderr, "nexus: %s\n", source.error().message.c_str());
    std::exit(2);
  }
  input.source = std::move(source.value());
  return input;
}

engine::EngineConfig engine_config_or_exit(const std::string& allowed_lateness) {
  engine::EngineConfig config;
  auto ms = rules::parse_duration_ms(allowed_lateness);
  if (!ms || *ms < 0) {
    std::fprintf(stderr, "nexus: --allowed-lateness '%s' is not a duration such as 1h or 30d\n",
                 allowed_lateness.c_str());
    std::exit(2);
  }
  config.allowed_lateness_ms = *ms;
  // History that may arrive this far out of order may also jump as far ahead.
  config.max_future_ms = std::max(config.max_future_ms, config.allowed_lateness_ms);
  return config;
}

std::function<void(const std::string&, const std::string&)> dropped_handshake_log() {
  return [dropped = uint64_t{0}, last_line = std::chrono::steady_clock::time_point{}](
             const std::string& peer, const std::string& why) mutable {
    ++dropped;
    const auto now = std::chrono::steady_clock::now();
    if (last_line != std::chrono::steady_clock::time_point{} &&
        now - last_line < std::chrono::seconds(10)) {
      return;
    }
    log_json("warn", "TLS handshake failed; connection dropped",
             {{"peer", peer}, {"why", why}, {"dropped_since_last_line", std::to_string(dropped)}});
    dropped = 0;
    last_line = now;
  };
}

}  // namespace nexus::app
