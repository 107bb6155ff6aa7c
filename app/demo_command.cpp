// nexus demo: the whole pipeline on the embedded broker. Generates traffic with
// planted scenarios, feeds it to the "transactions" topic while the engine
// consumes it, reads the alerts back from the "alerts" topic and prints what
// an analyst would see, then how many planted scenarios were caught.
#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/desk_setup.hpp"
#include "app/engine_events.hpp"
#include "app/list_reloader.hpp"
#include "app/party_rescreen.hpp"
#include "app/screening_setup.hpp"
#include "app/stream_runner.hpp"
#include "connectors/embedded_broker.hpp"
#include "connectors/file_sink.hpp"
#include "connectors/kafka_sink.hpp"
#include "connectors/kafka_source.hpp"
#include "connectors/metrics_server.hpp"
#include "connectors/rocksdb_state_store.hpp"
#include "engine/async_state_store.hpp"
#include "generator/generator.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

namespace nexus::app {

namespace {

std::atomic<bool> g_interrupted{false};

// ~350 bytes a record: 8,000 records stay well inside the mock broker's ~5 MB per partition.
constexpr uint64_t kMaxLag = 8'000;

struct DemoOptions {
  generator::GeneratorConfig traffic;
  std::string rules_dir;
  std::string data_dir = "./nexus-data/demo";
  bool follow = false;
  int show = 5;
  int timeout_s = 300;
  int metrics_port = -1;
  std::string lists_dir;
  bool desk = false;  // then keep the desk up with the demo's alerts
  int desk_port = 8470;
};

/// Malformed records fed with the traffic, so the dead-letter path shows itself.
std::vector<std::string> malformed_records() {
  std::vector<std::string> out;
  out.push_back("\xff\xfe not a protobuf message \x01\x02");
  nexus::v1::Transaction negative;
  negative.set_id("bad-negative-amount");
  negative.mutable_event_time()->set_seconds(1'735'700'000);
  negative.set_amount_minor(-500);
  negative.set_currency("USD");
  negative.mutable_originator()->set_account("A");
  negative.mutable_beneficiary()->set_account("B");
  out.push_back(negative.SerializeAsString());
  nexus::v1::Transaction currency = negative;
  currency.set_id("bad-currency");
  currency.set_amount_minor(1000);
  currency.set_currency("XYZ");
  out.push_back(currency.SerializeAsString());
  nexus::v1::Transaction no_id = currency;
  no_id.clear_id();
  no_id.set_currency("EUR");
  out.push_back(no_id.SerializeAsString());
  return out;
}

/// The demo starts from a clean data dir but deletes only what an earlier demo put there:
/// a directory that holds anything else (or is the lists dir) is refused, not wiped.
bool prepare_data_dir(const DemoOptions& options) {
  namespace fs = std::filesystem;
  const fs::path dir(options.data_dir);
  const fs::path marker = dir / ".nexus-demo";
  std::error_code ec;
  if (!options.lists_dir.empty() && fs::exists(dir, ec) &&
      fs::equivalent(dir, fs::path(options.lists_dir), ec)) {
    std::fprintf(stderr,
                 "nexus: --data-dir %s is the --lists dir: the demo would delete the imported "
                 "lists; give it a directory of its own\n",
                 dir.c_str());
    return false;
  }
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      std::fprintf(stderr, "nexus: --data-dir %s is a file, not a directory\n", dir.c_str());
      return false;
    }
    const bool empty = fs::is_empty(dir, ec);
    if (!empty && !fs::exists(marker, ec)) {
      std::fprintf(stderr,
                   "nexus: --data-dir %s holds files the demo did not create; it would delete "
                   "them: give a new or empty directory\n",
                   dir.c_str());
      return false;
    }
    // The desk's copy of its signed heads belongs to the desk.db it signed: both go.
    for (const char* ours : {"state", "labels.ndjson", "transactions.pb", "desk.db", "desk.db-wal",
                             "desk.db-shm", "desk-audit.key.heads"}) {
      fs::remove_all(dir / ours, ec);
    }
  }
  fs::create_directories(dir, ec);
  std::ofstream(marker)
      << "created by nexus demo: it removes state/, labels.ndjson, transactions.pb and the "
         "desk's files here\n";
  if (!fs::exists(marker, ec)) {
    std::fprintf(stderr, "nexus: cannot write to --data-dir %s\n", dir.c_str());
    return false;
  }
  return true;
}

int run_demo(const DemoOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  auto rule_set = load_rules_or_exit(
      options.rules_dir.empty() ? default_rules_dir() : std::filesystem::path(options.rules_dir));
  std::printf("Nexus demo: %zu rules (%s), %llu transactions over %u accounts, seed %llu\n",
              rule_set->rules.size(), rule_set->content_hash.c_str(),
              static_cast<unsigned long long>(options.traffic.transactions),
              options.traffic.accounts, static_cast<unsigned long long>(options.traffic.seed));

  // 1. Traffic with planted scenarios, serialized for the wire.
  std::vector<std::pair<std::string, std::string>> records;  // key, value
  std::vector<generator::ScenarioLabel> labels;
  generator::generate(
      options.traffic,
      [&](const nexus::v1::Transaction& tx) {
        records.emplace_back(tx.originator().account(), tx.SerializeAsString());
      },
      &labels);
  const auto bad = malformed_records();
  for (size_t i = 0; i < bad.size(); ++i) {
    const size_t at = std::min(records.size(), (i + 1) * records.size() / (bad.size() + 1));
    records.insert(records.begin() + static_cast<long>(at), {"malformed", bad[i]});
  }
  std::error_code ec;
  if (!prepare_data_dir(options)) return 2;
  const auto labels_path = std::filesystem::path(options.data_dir) / "labels.ndjson";
  {
    std::ofstream out(labels_path);
    for (const auto& label : labels) out << generator::label_to_json(label) << "\n";
  }
  // With the desk: the traffic as a file too, so the desk reads the transactions behind a
  // case's alerts for its goAML report and evidence package (the desk config's
  // transactions:).
  const auto transactions_path = std::filesystem::path(options.data_dir) / "transactions.pb";
  if (options.desk) {
    auto writer =
        connectors::MessageFileWriter::open(transactions_path, engine::InputFormat::kProtobuf);
    if (!writer) {
      std::fprintf(stderr, "nexus: %s\n", writer.error().message.c_str());
      return 2;
    }
    nexus::v1::Transaction tx;
    for (const auto& [key, value] : records) {
      if (key != "malformed" && tx.ParseFromString(value)) writer.value()->write(tx);
    }
    if (auto flushed = writer.value()->flush(); !flushed) {
      std::fprintf(stderr, "nexus: %s\n", flushed.error().message.c_str());
      return 2;
    }
  }

  // 2. The embedded broker and its topics.
  auto broker = connectors::EmbeddedBroker::start();
  if (!broker) {
    std::fprintf(stderr, "nexus: %s\n", broker.error().message.c_str());
    return 1;
  }
  const std::string bootstrap = broker.value()->bootstrap_servers();
  for (const char* topic :
       {"transactions", "alerts", "alerts.shadow", "transactions.dlq", "nexus-events"}) {
    if (auto created = broker.value()->create_topic(topic, 1); !created) {
      std::fprintf(stderr, "nexus: %s\n", created.error().message.c_str());
      return 1;
    }
  }
  const bool shadow_rules = rule_set->has_shadow_rules();
  std::printf(
      "embedded Kafka at %s: topics transactions, alerts, %stransactions.dlq, nexus-events\n",
      bootstrap.c_str(), shadow_rules ? "alerts.shadow (shadow rules), " : "");
  std::fflush(stdout);
  const std::map<std::string, std::string> kafka = {{"bootstrap.servers", bootstrap}};

  // 4. A reader on the alerts topic: what a case-management system would consume.
  AlertTally tally, shadow_tally;
  std::mutex tally_mutex;
  std::atomic<bool> stop_readers{false};
  std::atomic<uint64_t> dead_letters_on_topic{0};
  std::thread alert_reader([&] {
    connectors::KafkaSourceConfig config;
    config.properties = {{"bootstrap.servers", bootstrap}, {"group.id", "demo-alert-reader"}};
    config.topics = {"alerts", "alerts.shadow", "transactions.dlq"};
    auto reader = connectors::KafkaSource::create(std::move(config));
    if (!reader) return;
    while (!stop_readers) {
      auto record = reader.value()->poll(100);
      if (!record) continue;
      if (record->topic() == "alerts" || record->topic() == "alerts.shadow") {
        nexus::v1::Alert alert;
        if (alert.ParseFromArray(record->value().data(),
                                 static_cast<int>(record->value().size()))) {
          std::lock_guard lock(tally_mutex);
          (record->topic() == "alerts" ? tally : shadow_tally).add(alert);
        }
      } else {
        dead_letters_on_topic.fetch_add(1);
      }
    }
  });

  // 5. The engine, on the main thread.
  auto store =
      connectors::RocksDbStateStore::open(std::filesystem::path(options.data_dir) / "state");
  auto producer = connectors::KafkaProducer::create(kafka);
  if (!store || !producer) {
    std::fprintf(stderr, "nexus: cannot open state or producer\n");
    stop_readers = true;
    alert_reader.join();
    return 1;
  }
  connectors::KafkaAlertSink alerts(*producer.value(), "alerts");
  connectors::KafkaAlertSink shadow_alerts(*producer.value(), "alerts.shadow");
  connectors::KafkaDeadLetterSink dead_letters(*producer.value(), "transactions.dlq");
  // Checkpoint batches go to RocksDB on a second thread while events keep flowing.
  engine::AsyncStateStore async_store(*store.value());
  auto screener = make_screener_or_exit(options.lists_dir);
  engine::Engine engine(rule_set, engine::FxTable::defaults(), async_store, alerts, dead_letters,
                        screener.get());
  engine.set_shadow_sink(&shadow_alerts);
  connectors::KafkaSourceConfig source_config;
  source_config.properties = {{"bootstrap.servers", bootstrap}, {"group.id", "nexus"}};
  source_config.topics = {"transactions"};
  source_config.start_offset = [&engine](const std::string& topic, int32_t partition) {
    auto offset = engine.committed_offset(topic, partition);
    return offset ? offset.value() : std::nullopt;
  };
  auto source = connectors::KafkaSource::create(std::move(source_config));
  if (!source) {
    std::fprintf(stderr, "nexus: %s\n", source.error().message.c_str());
    stop_readers = true;
    alert_reader.join();
    return 1;
  }

  // 3. The feeder produces while the engine consumes (the mock broker keeps ~5 MB per
  //    partition, so preloading would lose messages).
  std::atomic<uint64_t> fed{0};
  std::atomic<bool> feed_failed{false};
  std::thread feeder([&] {
    auto feed_producer = connectors::KafkaProducer::create(kafka);
    if (!feed_producer) {
      feed_failed = true;
      return;
    }
    for (const auto& [key, value] : records) {
      if (g_interrupted) break;
      if (!feed_producer.value()->produce("transactions", key, value)) {
        feed_failed = true;
        return;
      }
      // Stay at most kMaxLag records ahead of the engine: the mock broker keeps only
      // ~5 MB per partition and drops older messages.
      while (fed.load() > engine.metrics().records_in.load() + kMaxLag && !g_interrupted) {
        feed_producer.value()->poll(1);
      }
      fed.fetch_add(1);
    }
    if (!feed_producer.value()->flush()) feed_failed = true;
  });

  std::unique_ptr<connectors::MetricsServer> metrics;
  if (options.metrics_port >= 0) {
    auto server =
        connectors::MetricsServer::start("127.0.0.1", static_cast<uint16_t>(options.metrics_port),
                                         [&engine] { return engine.metrics().prometheus(); });
    if (server) {
      metrics = std::move(server.value());
      std::printf("metrics at http://127.0.0.1:%u/metrics\n", metrics->port());
    } else {
      std::fprintf(stderr, "nexus: %s\n", server.error().message.c_str());
    }
  }
  std::atomic<bool> stop{false};
  const uint64_t total = records.size();
  auto last_progress = Clock::now();
  uint64_t last_count = 0;
  auto last_change = Clock::now();
  bool finished_feed_reported = false;
  // The engine's own events, for the desk's audit chain (topic nexus-events).
  EngineEvents engine_events(producer.value().get(), "nexus-events");
  engine_events.emit("engine.start", "ruleset:" + rule_set->content_hash,
                     {{"version", NEXUS_VERSION},
                      {"rules", rule_set->rules.size()},
                      {"input", "transactions"},
                      {"demo", true}});
  // With --lists, a new snapshot imported while the demo runs (--follow) is adopted between
  // events, as `nexus run` does.
  std::unique_ptr<ListReloader> list_reloader;
  if (screener) {
    list_reloader = std::make_unique<ListReloader>(options.lists_dir, *screener, engine.metrics());
    list_reloader->on_change(
        [&engine_events, &list_reloader](const std::string& action, const nlohmann::json& details) {
          engine_events.emit(action, list_reloader->live_object(), details);
        });
    // The parties seen before are screened against what a new snapshot added or changed.
    list_reloader->on_adopt([&](const auto& before, const auto& after) {
      auto facts = rescreen_engine(engine, async_store, alerts, before, after);
      if (!facts) {
        log_json("error", "re-screening after the list reload failed",
                 {{"error", facts.error().message}});
        return;
      }
      engine_events.emit("engine.lists_rescreened", list_reloader->live_object(), facts.value());
    });
    engine_events.emit("engine.lists_loaded", list_reloader->live_object(),
                       list_reloader->live_details());
  }
  StreamOptions stream;
  stream.checkpoint_events = 100'000;
  stream.between_events = [&list_reloader] {
    if (list_reloader) list_reloader->maybe_reload();
  };
  const int status = run_stream(engine, *source.value(), stop, stream, [&] {
    const auto now = Clock::now();
    const uint64_t done = engine.metrics().records_in.load();
    if (done != last_count) last_change = now;
    uint64_t on_topic;
    {
      std::lock_guard lock(tally_mutex);
      on_topic = tally.total();
    }
    if (now - last_progress >= std::chrono::seconds(1)) {
      const double rate = static_cast<double>(done - last_count) /
                          std::chrono::duration<double>(now - last_progress).count();
      std::printf(
          "  fed %8llu  consumed %8llu / %llu   alerts %5llu   dead letters %llu   %7.0f tx/s\n",
          static_cast<unsigned long long>(fed.load()), static_cast<unsigned long long>(done),
          static_cast<unsigned long long>(total),
          static_cast<unsigned long long>(engine.metrics().alerts.load()),
          static_cast<unsigned long long>(engine.metrics().dead_letters.load()), rate);
      std::fflush(stdout);
      last_progress = now;
      last_count = done;
    }
    const bool caught_up = done >= total && on_topic >= engine.metrics().alerts.load() &&
                           dead_letters_on_topic.load() >= engine.metrics().dead_letters.load();
    if (caught_up && options.follow && !finished_feed_reported) {
      std::printf("all %llu records processed; still consuming from %s (Ctrl-C to stop)\n",
                  static_cast<unsigned long long>(total), bootstrap.c_str());
      finished_feed_reported = true;
    }
    if ((caught_up && !options.follow) || g_interrupted || feed_failed) stop = true;
    if (now - last_change > std::chrono::seconds(options.timeout_s) && !options.follow) {
      std::fprintf(stderr, "nexus: no progress for %d s; stopping\n", options.timeout_s);
      stop = true;
    }
  });
  list_reloader.reset();  // joins a list load in flight
  engine_events.emit("engine.stop", "ruleset:" + rule_set->content_hash,
                     {{"events", engine.metrics().events_processed.load()},
                      {"alerts", engine.metrics().alerts.load()},
                      {"status", status}});
  g_interrupted = true;
  feeder.join();
  const bool durable = static_cast<bool>(async_store.drain());
  // Let the reader see the last alerts the final checkpoint flushed.
  for (int i = 0; i < 50; ++i) {
    {
      std::lock_guard lock(tally_mutex);
      if (tally.total() >= engine.metrics().alerts.load() &&
          shadow_tally.total() >= engine.metrics().shadow_alerts.load()) {
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop_readers = true;
  alert_reader.join();

  // 6. What an analyst sees: alerts of different rules, one from each pack first (the
  // rule id's prefix: AML, HT, TF, NX, NET), then the totals and the recall.
  std::set<std::string> shown_rules, shown_packs;
  int shown = 0;
  for (const bool one_per_pack : {true, false}) {
    for (const auto& alert : tally.alerts()) {
      if (shown >= options.show) break;
      const std::string pack = alert.rule_id().substr(0, alert.rule_id().find('-'));
      if (shown_rules.count(alert.rule_id()) || (one_per_pack && shown_packs.count(pack))) {
        continue;
      }
      shown_rules.insert(alert.rule_id());
      shown_packs.insert(pack);
      print_alert(alert);
      ++shown;
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  print_summary(engine.metrics(), tally, seconds);
  if (shadow_rules) print_shadow_summary(shadow_tally);
  std::printf("dead letters on topic transactions.dlq: %llu\n",
              static_cast<unsigned long long>(dead_letters_on_topic.load()));
  const int missed = print_label_report(load_labels_or_exit(labels_path), tally, *rule_set,
                                        engine.metrics().events_processed.load());
  std::printf("\nCaught %d of %zu planted scenarios. State and labels in %s\n",
              static_cast<int>(labels.size()) - std::max(missed, 0), labels.size(),
              options.data_dir.c_str());
  if (feed_failed) std::fprintf(stderr, "nexus: feeding the broker failed\n");
  if (!durable) std::fprintf(stderr, "nexus: the final checkpoint failed\n");
  if (status != 0 || feed_failed || !durable) return 1;
  if (options.desk) {
    // The review desk on the demo's alerts: it reads them from the alerts topic of the
    // embedded broker, which lives until the desk stops.
    DeskConfig desk;
    desk.sqlite = (std::filesystem::path(options.data_dir) / "desk.db").string();
    desk.kafka = {{"bootstrap.servers", bootstrap}, {"group.id", "nexus-desk"}};
    desk.events_topic = "nexus-events";
    desk.port = options.desk_port;
    // The rules and lists pages show what this demo ran with.
    desk.rules_dir = options.rules_dir.empty() ? default_rules_dir().string() : options.rules_dir;
    desk.lists_dir = options.lists_dir;
    desk.transaction_files = {transactions_path.string()};
    std::printf("\n== the review desk, fed from topic alerts\n");
    std::fflush(stdout);
    return serve_desk(desk);
  }
  return 0;
}

}  // namespace

void add_demo_command(CLI::App& app) {
  auto options = std::make_shared<DemoOptions>();
  options->traffic.transactions = 200'000;
  options->traffic.accounts = 20'000;
  auto* command = app.add_subcommand(
      "demo", "Embedded Kafka + generated traffic with planted typologies -> engine -> alerts");
  command->add_option("--transactions", options->traffic.transactions, "Transactions to feed")
      ->capture_default_str();
  command->add_option("--accounts", options->traffic.accounts, "Background accounts")
      ->capture_default_str();
  command->add_option("--seed", options->traffic.seed, "Generator seed")->capture_default_str();
  command->add_option("--rules", options->rules_dir, "Rule directory (default: shipped packs)");
  command->add_flag("--desk", options->desk,
                    "Then serve the review desk with the demo's alerts until Ctrl-C (it prints the "
                    "URL and a one-time admin password)");
  command->add_option("--desk-port", options->desk_port, "The desk's port (with --desk)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  command
      ->add_option("--data-dir", options->data_dir,
                   "Where state and labels go (a new or empty dir, or one an earlier demo made)")
      ->capture_default_str();
  command->add_option("--show", options->show, "Alerts to print in full")->capture_default_str();
  command->add_option("--metrics-port", options->metrics_port,
                      "Serve Prometheus metrics on 127.0.0.1:PORT (0 picks one)");
  command->add_option(
      "--lists", options->lists_dir,
      "Screen parties against lists imported in this data dir (nexus lists import)");
  command->add_flag("--follow", options->follow,
                    "Keep consuming after the feed ends, until Ctrl-C (produce more with kcat)");
  command->callback([options] {
    std::signal(SIGINT, [](int) { g_interrupted = true; });
    std::signal(SIGTERM, [](int) { g_interrupted = true; });
    std::exit(run_demo(*options));
  });
}

}  // namespace nexus::app
