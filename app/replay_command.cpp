// nexus replay: the engine over a file, alerts to a file.
#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/screening_setup.hpp"
#include "connectors/file_sink.hpp"
#include "connectors/file_source.hpp"
#include "connectors/lists/rescreen.hpp"
#include "connectors/rocksdb_state_store.hpp"
#include "engine/async_state_store.hpp"
#include "engine/engine.hpp"
#include "rules/field_catalog.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <unordered_set>

namespace nexus::app {

namespace {

struct ReplayOptions {
  std::string input;
  std::string out = "alerts.ndjson";
  std::string shadow_out;  // --shadow-out; default: shadow_path_for(out)
  std::string dlq;
  std::string rules_dir;
  std::string format;
  std::string labels;
  std::string state_dir;
  uint64_t checkpoint_every = 250'000;
  int show = 0;
  std::string show_rule;  // --show-rule: only this rule's alerts are printed
  bool progress = false;
  std::string lists_dir;
  std::string csv_map;
  std::string allowed_lateness = "1h";
};

/// Writes alerts to the file and keeps a tally for the summary. A resumed run re-reads the
/// records after its last checkpoint; the alerts they raised before the kill are in the file
/// already (same ids: the engine is deterministic) and are not written twice.
class TallyingAlertSink final : public engine::AlertSink {
 public:
  explicit TallyingAlertSink(AlertTally& tally) : tally_(tally) {}
  void attach(std::unique_ptr<connectors::MessageFileWriter> writer) {
    inner_ = std::make_unique<connectors::FileAlertSink>(std::move(writer));
  }
  std::unordered_set<std::string>& already_written() { return already_; }
  uint64_t skipped() const { return skipped_; }
  void publish(const nexus::v1::Alert& alert) override {
    if (!already_.empty() && already_.count(alert.id())) {
      ++skipped_;
      return;
    }
    inner_->publish(alert);
    tally_.add(alert);
  }
  Result<void> flush() override { return inner_->flush(); }

 private:
  std::unique_ptr<connectors::FileAlertSink> inner_;
  AlertTally& tally_;
  std::unordered_set<std::string> already_;
  uint64_t skipped_ = 0;
};

/// Dead letters to the file; on a resumed run, those of records the file already holds
/// dead letters for are not written twice.
class ResumingDeadLetterSink final : public engine::DeadLetterSink {
 public:
  void attach(std::unique_ptr<connectors::MessageFileWriter> writer, int64_t first_new_offset) {
    inner_ = std::make_unique<connectors::FileDeadLetterSink>(std::move(writer));
    first_new_offset_ = first_new_offset;
  }
  void publish(const nexus::v1::DeadLetter& letter) override {
    if (letter.source_offset() < first_new_offset_) return;
    inner_->publish(letter);
  }
  Result<void> flush() override { return inner_->flush(); }

 private:
  std::unique_ptr<connectors::FileDeadLetterSink> inner_;
  int64_t first_new_offset_ = 0;
};

/// Where shadow alerts go by default: beside the alerts file, "alerts.ndjson" ->
/// "alerts.shadow.ndjson" (same format).
std::string shadow_path_for(const std::string& out) {
  std::filesystem::path path(out);
  path.replace_filename(path.stem().string() + ".shadow" + path.extension().string());
  return path.string();
}

/// Opens an alerts file afresh, or for a resumed run to append, putting the ids of the
/// alerts it holds already into `ids`.
Result<std::unique_ptr<connectors::MessageFileWriter>> open_alert_file(
    const std::string& path, engine::InputFormat format, bool resume,
    std::unordered_set<std::string>* ids) {
  if (!resume) return connectors::MessageFileWriter::open(path, format);
  return connectors::MessageFileWriter::append(
      path, format, [ids, format](std::string_view record) {
        nexus::v1::Alert alert;
        if (format == engine::InputFormat::kNdjson) {
          const auto line = nlohmann::json::parse(record, nullptr, false);
          if (line.is_object() && line.contains("id") && line["id"].is_string()) {
            ids->insert(line["id"].get<std::string>());
          }
        } else if (alert.ParseFromArray(record.data(), static_cast<int>(record.size()))) {
          ids->insert(alert.id());
        }
      });
}

int run_replay(const ReplayOptions& options) {
  InputFile input_file = open_input_or_exit(options.input, options.format, options.csv_map);
  auto& source = input_file.source;
  auto rule_set = load_rules_or_exit(
      options.rules_dir.empty() ? default_rules_dir() : std::filesystem::path(options.rules_dir));
  if (!options.show_rule.empty()) {
    std::string closest;
    size_t best = std::string::npos;
    bool known = false;
    for (const auto& rule : rule_set->rules) {
      known = known || rule.id == options.show_rule;
      const size_t distance = rules::edit_distance(options.show_rule, rule.id);
      if (distance < best) best = distance, closest = rule.id;
    }
    if (!known) {
      std::fprintf(stderr, "nexus: --show-rule '%s' is not a rule of this set%s\n",
                   options.show_rule.c_str(),
                   closest.empty() ? "" : (" (did you mean '" + closest + "'?)").c_str());
      return 2;
    }
  }
  // A bad labels file is refused before the replay, not after it.
  const Labels labels = options.labels.empty() ? Labels{} : load_labels_or_exit(options.labels);
  auto out_format = connectors::format_for(options.out, "").value();
  // Shadow rules' alerts: a file of their own, opened only when there are any to write.
  const bool shadow_output = rule_set->has_shadow_rules() || !options.shadow_out.empty();
  const std::string shadow_path =
      options.shadow_out.empty() ? shadow_path_for(options.out) : options.shadow_out;
  engine::InputFormat shadow_format = out_format;
  if (shadow_output) {
    auto format = connectors::format_for(shadow_path, "");
    if (!format || shadow_path == options.out) {
      std::fprintf(stderr, "nexus: --shadow-out '%s': %s\n", shadow_path.c_str(),
                   format ? "must not be the alerts file (--out)" : format.error().message.c_str());
      return 2;
    }
    shadow_format = format.value();
  }
  const std::string dlq_path = options.dlq.empty() ? options.out + ".dlq.ndjson" : options.dlq;
  // State: the given directory (resumable), or a fresh one removed at the end.
  const bool temporary_state = options.state_dir.empty();
  const std::filesystem::path state_dir =
      temporary_state
          ? std::filesystem::temp_directory_path() / ("nexus-replay-" + std::to_string(::getpid()))
          : std::filesystem::path(options.state_dir);
  if (temporary_state) std::filesystem::remove_all(state_dir);
  auto store = connectors::RocksDbStateStore::open(state_dir);
  if (!store) {
    std::fprintf(stderr, "nexus: %s\n", store.error().message.c_str());
    return 2;
  }
  AlertTally tally, shadow_tally;
  TallyingAlertSink alerts(tally), shadow_alerts(shadow_tally);
  ResumingDeadLetterSink dead_letters;
  // Checkpoint batches go to RocksDB on a second thread while events keep flowing.
  engine::AsyncStateStore async_store(*store.value());
  auto screener = make_screener_or_exit(options.lists_dir);
  const engine::EngineConfig config = engine_config_or_exit(options.allowed_lateness);
  engine::Engine engine(rule_set, engine::FxTable::defaults(), async_store, alerts, dead_letters,
                        screener.get(), config);
  if (input_file.csv) engine.set_csv_mapping(input_file.csv);
  if (shadow_output) engine.set_shadow_sink(&shadow_alerts);
  const std::string topic = std::filesystem::path(options.input).filename().string();
  auto resume = engine.committed_offset(topic, 0);
  if (!resume) {
    std::fprintf(stderr, "nexus: %s\n", resume.error().message.c_str());
    return 1;
  }
  const int64_t skip = resume.value() ? *resume.value() : 0;
  // A resumed run appends to what the run before it wrote; a new run starts the files afresh.
  Result<std::unique_ptr<connectors::MessageFileWriter>> alert_writer =
      make_error("output", "not opened");
  Result<std::unique_ptr<connectors::MessageFileWriter>> dlq_writer =
      make_error("output", "not opened");
  int64_t first_new_dead_letter = 0;
  alert_writer = open_alert_file(options.out, out_format, skip > 0, &alerts.already_written());
  if (shadow_output) {
    auto shadow_writer =
        open_alert_file(shadow_path, shadow_format, skip > 0, &shadow_alerts.already_written());
    if (!shadow_writer) {
      std::fprintf(stderr, "nexus: %s\n", shadow_writer.error().message.c_str());
      return 2;
    }
    shadow_alerts.attach(std::move(shadow_writer.value()));
  }
  if (skip > 0) {
    dlq_writer = connectors::MessageFileWriter::append(
        dlq_path, engine::InputFormat::kNdjson, [&first_new_dead_letter](std::string_view record) {
          const auto line = nlohmann::json::parse(record, nullptr, false);
          if (!line.is_object() || !line.contains("source_offset")) return;
          const auto& offset = line["source_offset"];
          int64_t value = 0;
          if (offset.is_string()) {
            const std::string text = offset.get<std::string>();
            std::from_chars(text.data(), text.data() + text.size(), value);
          } else if (offset.is_number_integer()) {
            value = offset.get<int64_t>();
          }
          first_new_dead_letter = std::max(first_new_dead_letter, value + 1);
        });
  } else {
    dlq_writer = connectors::MessageFileWriter::open(dlq_path, engine::InputFormat::kNdjson);
  }
  if (!alert_writer || !dlq_writer) {
    std::fprintf(stderr, "nexus: %s\n",
                 (!alert_writer ? alert_writer.error() : dlq_writer.error()).message.c_str());
    return 2;
  }
  alerts.attach(std::move(alert_writer.value()));
  dead_letters.attach(std::move(dlq_writer.value()), first_new_dead_letter);
  if (skip > 0)
    log_json("info", "resuming replay",
             std::map<std::string, std::string>{{"skip_records", std::to_string(skip)}});
  log_json("info", "replay started",
           {{"input", options.input},
            {"rules", rule_set->content_hash},
            {"rule_count", std::to_string(rule_set->rules.size())}});

  const auto started = std::chrono::steady_clock::now();
  while (auto record = source->next()) {
    const int64_t ordinal = source->ordinal();
    if (ordinal < skip) continue;
    engine::InputRecord input{*record, input_file.format, topic, 0, ordinal};
    if (auto processed = engine.process(input); !processed) {
      std::fprintf(stderr, "nexus: state failure, stopping: %s\n",
                   processed.error().message.c_str());
      return 1;
    }
    if (engine.records_since_checkpoint() >= options.checkpoint_every) {
      if (auto done = engine.checkpoint(); !done) {
        std::fprintf(stderr, "nexus: checkpoint failed: %s\n", done.error().message.c_str());
        return 1;
      }
      if (options.progress) {
        log_json("info", "checkpoint",
                 std::map<std::string, std::string>{{"next_record", std::to_string(ordinal + 1)}});
      }
    }
  }
  if (auto done = engine.checkpoint(); !done) {
    std::fprintf(stderr, "nexus: checkpoint failed: %s\n", done.error().message.c_str());
    return 1;
  }
  if (auto durable = async_store.drain(); !durable) {
    std::fprintf(stderr, "nexus: checkpoint failed: %s\n", durable.error().message.c_str());
    return 1;
  }
  // A kept state remembers which list versions screened its parties, so `nexus lists
  // rescreen` later knows what is new to them. A state that already says leaves it be (its
  // older parties have not met these lists: rescreen from what it says).
  if (screener && !temporary_state) {
    auto recorded = lists::screened_versions(*store.value());
    if (recorded && recorded.value().empty()) {
      engine::StateBatch batch;
      lists::record_screened(*screener->snapshot(), {}, &batch);
      if (auto written = store.value()->write(batch); !written) {
        std::fprintf(stderr, "nexus: %s\n", written.error().message.c_str());
        return 1;
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // --show-rule alone shows that rule's first alert; with --show N, its first N.
  const int show = options.show > 0 ? options.show : (options.show_rule.empty() ? 0 : 1);
  int shown = 0;
  for (const auto* shown_tally : {&tally, &shadow_tally}) {
    for (const auto& alert : shown_tally->alerts()) {
      if (shown >= show) break;
      if (!options.show_rule.empty() && alert.rule_id() != options.show_rule) continue;
      print_alert(alert);
      ++shown;
    }
  }
  if (!options.show_rule.empty() && shown == 0) {
    std::printf("no %s alert to show (--show-rule)\n", options.show_rule.c_str());
  }
  if (skip > 0) {
    std::printf(
        "resumed from the checkpoint in %s: records before %lld were done already; appended to "
        "%s (%zu alerts there before, %llu raised again after the checkpoint not written twice)\n",
        state_dir.c_str(), static_cast<long long>(skip), options.out.c_str(),
        alerts.already_written().size(), static_cast<unsigned long long>(alerts.skipped()));
  }
  print_summary(engine.metrics(), tally, seconds);
  if (shadow_output) print_shadow_summary(shadow_tally);
  std::printf("alerts written to   %s\n", options.out.c_str());
  if (shadow_output) std::printf("shadow alerts to    %s\n", shadow_path.c_str());
  std::printf("dead letters to     %s\n", dlq_path.c_str());
  int status = 0;
  const auto& metrics = engine.metrics();
  if (metrics.records_in.load() > 0 && metrics.events_processed.load() == 0 &&
      metrics.duplicates.load() == 0) {
    // Nothing was judged: a wrong --format or --csv-map, or a file that is not transactions.
    std::fprintf(stderr,
                 "nexus: every one of the %llu records was dead-lettered (reasons above and in "
                 "%s): check --format and --csv-map\n",
                 static_cast<unsigned long long>(metrics.records_in.load()), dlq_path.c_str());
    status = 3;
  }
  if (!options.labels.empty()) {
    (void)print_label_report(labels, tally, *rule_set, engine.metrics().events_processed.load());
  }
  if (temporary_state) {
    store.value().reset();
    std::filesystem::remove_all(state_dir);
  }
  return status;
}

}  // namespace

void add_replay_command(CLI::App& app) {
  auto options = std::make_shared<ReplayOptions>();
  auto* command = app.add_subcommand(
      "replay", "Run the engine over a file of transactions and write the alerts to a file");
  command
      ->add_option("--input,-i", options->input,
                   "Transactions: .ndjson, .pb (delimited) or .csv (with --csv-map)")
      ->required();
  command->add_option("--out,-o", options->out, "Alerts file (.ndjson or .pb)")
      ->capture_default_str();
  command->add_option("--dlq", options->dlq, "Dead-letter file (default: <out>.dlq.ndjson)");
  command->add_option("--shadow-out", options->shadow_out,
                      "Alerts of shadow rules (mode: shadow), never mixed with --out (default: "
                      "beside it, alerts.ndjson -> alerts.shadow.ndjson; written when the rules "
                      "have a shadow rule)");
  command->add_option("--rules", options->rules_dir, "Rule directory (default: shipped packs)");
  command->add_option("--format", options->format,
                      "Input format: ndjson, pb or csv (default: by extension)");
  command->add_option("--labels", options->labels, "Generator labels: report recall per scenario");
  command->add_option("--state-dir", options->state_dir,
                      "RocksDB state directory; keeps state and resumes (default: temporary)");
  command->add_option("--checkpoint-every", options->checkpoint_every, "Events per checkpoint")
      ->capture_default_str();
  command->add_option("--show", options->show, "Print the first N alerts with their evidence")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--show-rule", options->show_rule,
                      "Print only alerts of this rule id (the first one, or the first --show N)");
  command->add_option("--lists", options->lists_dir,
                      "Screen parties against the lists imported in this data dir (nexus lists "
                      "import); default: no screening");
  command->add_option("--csv-map", options->csv_map,
                      "CSV input: a column mapping file or a preset (ibm-aml, ibm-aml-normalized, "
                      "ibm-aml-patterns, amlsim-alerts, saml-d)");
  command
      ->add_option("--allowed-lateness", options->allowed_lateness,
                   "How far behind the newest event time an event may arrive before it is "
                   "dead-lettered as late_event (history not sorted by time needs more)")
      ->capture_default_str();
  command->add_flag("--progress", options->progress, "Log each checkpoint (JSON, on stderr)");
  command->callback([options] { std::exit(run_replay(*options)); });
}

}  // namespace nexus::app
