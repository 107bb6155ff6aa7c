// nexus replay: the engine over a file, alerts to a file.
#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/screening_setup.hpp"
#include "connectors/file_sink.hpp"
#include "connectors/file_source.hpp"
#include "connectors/rocksdb_state_store.hpp"
#include "engine/async_state_store.hpp"
#include "engine/engine.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>

namespace nexus::app {

namespace {

struct ReplayOptions {
  std::string input;
  std::string out = "alerts.ndjson";
  std::string dlq;
  std::string rules_dir;
  std::string format;
  std::string labels;
  std::string state_dir;
  uint64_t checkpoint_every = 250'000;
  int show = 0;
  bool progress = false;
  std::string lists_dir;
  std::string csv_map;
  std::string allowed_lateness = "1h";
};

/// Writes alerts to the file and keeps a tally for the summary.
class TallyingAlertSink final : public engine::AlertSink {
 public:
  TallyingAlertSink(engine::AlertSink& inner, AlertTally& tally) : inner_(inner), tally_(tally) {}
  void publish(const nexus::v1::Alert& alert) override {
    inner_.publish(alert);
    tally_.add(alert);
  }
  Result<void> flush() override { return inner_.flush(); }

 private:
  engine::AlertSink& inner_;
  AlertTally& tally_;
};

int run_replay(const ReplayOptions& options) {
  InputFile input_file = open_input_or_exit(options.input, options.format, options.csv_map);
  auto& source = input_file.source;
  auto rule_set = load_rules_or_exit(
      options.rules_dir.empty() ? default_rules_dir() : std::filesystem::path(options.rules_dir));
  auto out_format = connectors::format_for(options.out, "").value();
  auto alert_writer = connectors::MessageFileWriter::open(options.out, out_format);
  const std::string dlq_path = options.dlq.empty() ? options.out + ".dlq.ndjson" : options.dlq;
  auto dlq_writer = connectors::MessageFileWriter::open(dlq_path, engine::InputFormat::kNdjson);
  if (!alert_writer || !dlq_writer) {
    std::fprintf(stderr, "nexus: %s\n",
                 (!alert_writer ? alert_writer.error() : dlq_writer.error()).message.c_str());
    return 2;
  }
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
  connectors::FileAlertSink file_alerts(std::move(alert_writer.value()));
  connectors::FileDeadLetterSink dead_letters(std::move(dlq_writer.value()));
  AlertTally tally;
  TallyingAlertSink alerts(file_alerts, tally);
  // Checkpoint batches go to RocksDB on a second thread while events keep flowing.
  engine::AsyncStateStore async_store(*store.value());
  auto screener = make_screener_or_exit(options.lists_dir);
  const engine::EngineConfig config = engine_config_or_exit(options.allowed_lateness);
  engine::Engine engine(rule_set, engine::FxTable::defaults(), async_store, alerts, dead_letters,
                        screener.get(), config);
  if (input_file.csv) engine.set_csv_mapping(input_file.csv);
  const std::string topic = std::filesystem::path(options.input).filename().string();
  auto resume = engine.committed_offset(topic, 0);
  const int64_t skip = resume && resume.value() ? *resume.value() : 0;
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
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (int i = 0; i < options.show && i < static_cast<int>(tally.alerts().size()); ++i) {
    print_alert(tally.alerts()[static_cast<size_t>(i)]);
  }
  if (skip > 0) {
    std::printf("resumed from the checkpoint in %s: records before %lld were done already\n",
                state_dir.c_str(), static_cast<long long>(skip));
  }
  print_summary(engine.metrics(), tally, seconds);
  std::printf("alerts written to   %s\ndead letters to     %s\n", options.out.c_str(),
              dlq_path.c_str());
  int status = 0;
  if (!options.labels.empty()) {
    const int missed = print_label_report(options.labels, tally, *rule_set,
                                          engine.metrics().events_processed.load());
    if (missed < 0) status = 2;
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
  command->add_option("--rules", options->rules_dir, "Rule directory (default: shipped packs)");
  command->add_option("--format", options->format,
                      "Input format: ndjson, pb or csv (default: by extension)");
  command->add_option("--labels", options->labels, "Generator labels: report recall per scenario");
  command->add_option("--state-dir", options->state_dir,
                      "RocksDB state directory; keeps state and resumes (default: temporary)");
  command->add_option("--checkpoint-every", options->checkpoint_every, "Events per checkpoint")
      ->capture_default_str();
  command->add_option("--show", options->show, "Print the first N alerts with their evidence");
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
