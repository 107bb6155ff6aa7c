// nexus_e2e_bench: end-to-end throughput and latency of the engine with the
// shipped rule pack, wired as production wires it (see README.md):
//   (a) replay from a file (.pb and .ndjson), one engine thread, RocksDB state,
//       file sinks, checkpoint every 50,000 records, as `nexus replay` does;
//   (b) the Kafka path on the embedded broker, engine (KafkaSource + KafkaAlertSink,
//       as `nexus demo` does) beside a raw librdkafka consumer of the same topic.
// Prints its setup, then markdown tables.
#include "connectors/embedded_broker.hpp"
#include "connectors/file_sink.hpp"
#include "connectors/file_source.hpp"
#include "connectors/kafka_settings.hpp"
#include "connectors/kafka_sink.hpp"
#include "connectors/kafka_source.hpp"
#include "connectors/rocksdb_state_store.hpp"
#include "engine/async_state_store.hpp"
#include "engine/engine.hpp"
#include "generator/generator.hpp"
#include "rules/compiler.hpp"

#include "bench/report.hpp"
#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;
using nexus::bench::load_average;
using nexus::bench::percentile;
using nexus::bench::seconds_since;
using nexus::bench::with_commas;
using nexus::engine::InputFormat;

struct Options {
  uint64_t transactions = 1'000'000;
  uint32_t accounts = 100'000;
  uint64_t seed = 1;
  int repeat = 3;
  uint64_t kafka_transactions = 300'000;
  int kafka_repeat = 1;
  uint64_t max_lag = 8'000;
  uint64_t checkpoint_every = 250'000;  // as `nexus replay`
  bool replay = true;
  bool kafka = true;
  bool ndjson = true;
  bool pack_cost = true;
};

void usage() {
  std::printf(
      "usage: nexus_e2e_bench [--transactions N] [--accounts A] [--seed S] [--repeat R]\n"
      "                       [--kafka-transactions N] [--kafka-repeat R] [--max-lag N]\n"
      "                       [--checkpoint-every N] [--no-replay] [--no-kafka] [--no-ndjson]\n"
      "                       [--no-pack-cost]\n");
}

std::optional<Options> parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto number = [&](auto* out) {
      if (i + 1 >= argc) return false;
      *out =
          static_cast<std::remove_pointer_t<decltype(out)>>(std::strtoull(argv[++i], nullptr, 10));
      return true;
    };
    bool ok = true;
    if (flag == "--transactions") {
      ok = number(&options.transactions);
    } else if (flag == "--accounts") {
      ok = number(&options.accounts);
    } else if (flag == "--seed") {
      ok = number(&options.seed);
    } else if (flag == "--repeat") {
      ok = number(&options.repeat);
    } else if (flag == "--kafka-transactions") {
      ok = number(&options.kafka_transactions);
    } else if (flag == "--kafka-repeat") {
      ok = number(&options.kafka_repeat);
    } else if (flag == "--max-lag") {
      ok = number(&options.max_lag);
    } else if (flag == "--checkpoint-every") {
      ok = number(&options.checkpoint_every);
    } else if (flag == "--no-replay") {
      options.replay = false;
    } else if (flag == "--no-kafka") {
      options.kafka = false;
    } else if (flag == "--no-ndjson") {
      options.ndjson = false;
    } else if (flag == "--no-pack-cost") {
      options.pack_cost = false;
    } else {
      ok = false;
    }
    if (!ok) return std::nullopt;
  }
  if (options.repeat < 1 || options.kafka_repeat < 1 || options.accounts < 1 ||
      options.checkpoint_every < 1) {
    return std::nullopt;
  }
  return options;
}

[[noreturn]] void die(const std::string& message) {
  nexus::bench::fail("nexus_e2e_bench", message);
}

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  if (n == 0) return 0;
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

struct Percentiles {
  int64_t p50 = 0, p99 = 0, p999 = 0, max = 0;
};

Percentiles percentiles(std::vector<int64_t> values) {
  Percentiles out;
  out.p50 = percentile(values, 0.50);
  out.p99 = percentile(values, 0.99);
  out.p999 = percentile(values, 0.999);
  out.max = values.empty() ? 0 : *std::max_element(values.begin(), values.end());
  return out;
}

std::shared_ptr<const nexus::rules::RuleSet> shipped_rules() {
  auto compiled = nexus::rules::compile_rule_dir(NEXUS_SOURCE_DIR "/rules/packs");
  if (!compiled) die("rules refused: " + compiled.error().message);
  return compiled.value();
}

/// Some files of the shipped packs, to price the typology packs and the network apart.
std::shared_ptr<const nexus::rules::RuleSet> pack_files(const std::vector<std::string>& names) {
  std::vector<nexus::rules::RuleSource> sources;
  for (const auto& name : names) {
    std::ifstream in(std::string(NEXUS_SOURCE_DIR "/rules/packs/") + name);
    std::stringstream text;
    text << in.rdbuf();
    sources.push_back({name, text.str()});
  }
  auto compiled = nexus::rules::compile_rules(sources);
  if (!compiled) die("packs refused: " + compiled.error().message);
  return compiled.value();
}

// ---------------------------------------------------------------------------
// (a) Replay from a file.

struct ReplayRun {
  double seconds = 0;
  uint64_t records = 0;
  uint64_t alerts = 0;
  uint64_t dead_letters = 0;
  uint64_t checkpoints = 0;
  uint64_t cached_windows = 0;
  double checkpoint_seconds = 0;
  std::vector<int64_t> latency_ns;  // per event, around Engine::process()
};

ReplayRun run_replay(const fs::path& input, InputFormat format, const fs::path& work,
                     const std::shared_ptr<const nexus::rules::RuleSet>& rules,
                     const Options& options, uint64_t expected) {
  const fs::path state_dir = work / "replay-state";
  fs::remove_all(state_dir);
  auto store = nexus::connectors::RocksDbStateStore::open(state_dir);
  if (!store) die(store.error().message);
  auto alert_writer =
      nexus::connectors::MessageFileWriter::open(work / "alerts.ndjson", InputFormat::kNdjson);
  auto dlq_writer =
      nexus::connectors::MessageFileWriter::open(work / "alerts.dlq.ndjson", InputFormat::kNdjson);
  if (!alert_writer || !dlq_writer) die("cannot open the alert files");
  nexus::connectors::FileAlertSink alerts(std::move(alert_writer.value()));
  nexus::connectors::FileDeadLetterSink dead_letters(std::move(dlq_writer.value()));
  // Wired as `nexus replay` is: checkpoint batches written on a second thread.
  nexus::engine::AsyncStateStore async_store(*store.value());
  nexus::engine::Engine engine(rules, nexus::engine::FxTable::defaults(), async_store, alerts,
                               dead_letters, nullptr);
  const std::string topic = input.filename().string();

  ReplayRun run;
  run.latency_ns.reserve(expected);
  const auto started = SteadyClock::now();
  auto source = nexus::connectors::FileSource::open(input, format);
  if (!source) die(source.error().message);
  auto checkpoint = [&] {
    const auto begin = SteadyClock::now();
    if (auto done = engine.checkpoint(); !done) die("checkpoint: " + done.error().message);
    run.checkpoint_seconds += seconds_since(begin);
    ++run.checkpoints;
  };
  while (auto record = source.value()->next()) {
    nexus::engine::InputRecord in{*record, format, topic, 0, source.value()->ordinal()};
    const auto begin = SteadyClock::now();
    if (auto processed = engine.process(in); !processed) {
      die("state failure: " + processed.error().message);
    }
    run.latency_ns.push_back((SteadyClock::now() - begin).count());
    if (engine.records_since_checkpoint() >= options.checkpoint_every) checkpoint();
  }
  checkpoint();
  if (auto durable = async_store.drain(); !durable) die("checkpoint: " + durable.error().message);
  run.seconds = seconds_since(started);
  run.records = engine.metrics().records_in.load();
  run.alerts = engine.metrics().alerts.load();
  run.dead_letters = engine.metrics().dead_letters.load();
  run.cached_windows = engine.metrics().cached_windows.load();
  return run;
}

/// The same .pb replay with the starter pack and with every pack, runs interleaved so
/// machine noise falls on both alike.
void pack_cost_section(const Options& options, const fs::path& work, const fs::path& pb_path,
                       uint64_t generated,
                       const std::shared_ptr<const nexus::rules::RuleSet>& all_packs) {
  constexpr int kSets = 3;
  const std::shared_ptr<const nexus::rules::RuleSet> sets[kSets] = {
      pack_files({"core.yaml"}),
      pack_files({"core.yaml", "trafficking.yaml", "terrorist_financing.yaml", "nexus.yaml"}),
      all_packs};
  const char* names[kSets] = {"starter (core.yaml)", "typology packs, no network",
                              "all packs (rules/packs)"};
  std::printf("## (a2) Cost of the packs: starter pack, typology packs, all packs, same input\n\n");
  std::printf("| rule set | rules | aggregates | runs | tx/s (median) | tx/s per run | alerts |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  std::vector<double> rates[kSets];
  uint64_t alerts[kSets] = {0, 0, 0};
  for (int i = 0; i < options.repeat; ++i) {
    for (int which = 0; which < kSets; ++which) {
      const ReplayRun run =
          run_replay(pb_path, InputFormat::kProtobuf, work, sets[which], options, generated);
      rates[which].push_back(static_cast<double>(run.records) / run.seconds);
      alerts[which] = run.alerts;
      std::fprintf(stderr, "  %s run %d: %.0f tx/s\n", names[which], i + 1, rates[which].back());
    }
  }
  for (int which = 0; which < kSets; ++which) {
    std::string per_run;
    for (double rate : rates[which]) {
      if (!per_run.empty()) per_run += ", ";
      per_run += with_commas(static_cast<uint64_t>(rate));
    }
    std::printf("| %s | %zu | %zu | %zu | **%s** | %s | %s |\n", names[which],
                sets[which]->rules.size(), sets[which]->aggregates.size(), rates[which].size(),
                with_commas(static_cast<uint64_t>(median(rates[which]))).c_str(), per_run.c_str(),
                with_commas(alerts[which]).c_str());
  }
  std::printf("\ntypology packs / starter: **%.2fx**; all packs / starter: **%.2fx** (medians)\n\n",
              median(rates[1]) / median(rates[0]), median(rates[2]) / median(rates[0]));
  std::fflush(stdout);
}

void replay_section(const Options& options, const fs::path& work,
                    const std::shared_ptr<const nexus::rules::RuleSet>& rules) {
  const fs::path pb_path = work / "transactions.pb";
  const fs::path ndjson_path = work / "transactions.ndjson";
  uint64_t generated = 0;
  {
    const auto started = SteadyClock::now();
    auto pb = nexus::connectors::MessageFileWriter::open(pb_path, InputFormat::kProtobuf);
    auto ndjson = options.ndjson ? nexus::connectors::MessageFileWriter::open(ndjson_path,
                                                                              InputFormat::kNdjson)
                                 : nullptr;
    if (!pb || (options.ndjson && !ndjson)) die("cannot create the input files");
    nexus::generator::GeneratorConfig config;
    config.seed = options.seed;
    config.accounts = options.accounts;
    config.transactions = options.transactions;
    nexus::generator::generate(
        config,
        [&](const nexus::v1::Transaction& tx) {
          pb.value()->write(tx);
          if (options.ndjson) ndjson.value()->write(tx);
          ++generated;
        },
        nullptr);
    if (!pb.value()->flush() || (options.ndjson && !ndjson.value()->flush())) {
      die("cannot write the input files");
    }
    std::printf("generated %s transactions in %.1f s: %s (%.1f MB)", with_commas(generated).c_str(),
                seconds_since(started), pb_path.c_str(),
                static_cast<double>(fs::file_size(pb_path)) / 1e6);
    if (options.ndjson) {
      std::printf(", %s (%.1f MB)", ndjson_path.c_str(),
                  static_cast<double>(fs::file_size(ndjson_path)) / 1e6);
    }
    std::printf("\n\n");
    std::fflush(stdout);
  }

  std::printf(
      "## (a) Replay from a file: one engine thread, RocksDB state, file sinks, checkpoint every "
      "%s\n\n",
      with_commas(options.checkpoint_every).c_str());
  std::printf(
      "Time covers opening the file, reading, Engine::process and every checkpoint (fsync'd "
      "RocksDB batch + alert file flush). Latency: steady_clock around each Engine::process() "
      "call (checkpoints excluded; see the checkpoint column).\n\n");
  std::printf(
      "| input | runs | tx/s (median) | tx/s per run | p50 us | p99 us | p99.9 us | max us | "
      "alerts | dead letters | checkpoints (s total) | windows cached |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  std::fflush(stdout);
  struct Input {
    const char* name;
    fs::path path;
    InputFormat format;
  };
  std::vector<Input> inputs = {{"protobuf (.pb)", pb_path, InputFormat::kProtobuf}};
  if (options.ndjson) inputs.push_back({"NDJSON", ndjson_path, InputFormat::kNdjson});
  for (const auto& input : inputs) {
    std::vector<ReplayRun> runs;
    std::vector<double> rates;
    for (int i = 0; i < options.repeat; ++i) {
      runs.push_back(run_replay(input.path, input.format, work, rules, options, generated));
      rates.push_back(static_cast<double>(runs.back().records) / runs.back().seconds);
      std::fprintf(stderr, "  %s run %d: %.0f tx/s\n", input.name, i + 1, rates.back());
    }
    // Latency and counts of the median run.
    std::vector<size_t> order(runs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rates[a] < rates[b]; });
    const ReplayRun& mid = runs[order[order.size() / 2]];
    const Percentiles latency = percentiles(mid.latency_ns);
    std::string per_run;
    for (double rate : rates) {
      if (!per_run.empty()) per_run += ", ";
      per_run += with_commas(static_cast<uint64_t>(rate));
    }
    std::printf(
        "| %s | %zu | **%s** | %s | %.1f | %.1f | %.1f | %.0f | %s | %s | %llu (%.2f) | %s |\n",
        input.name, runs.size(), with_commas(static_cast<uint64_t>(median(rates))).c_str(),
        per_run.c_str(), static_cast<double>(latency.p50) / 1e3,
        static_cast<double>(latency.p99) / 1e3, static_cast<double>(latency.p999) / 1e3,
        static_cast<double>(latency.max) / 1e3, with_commas(mid.alerts).c_str(),
        with_commas(mid.dead_letters).c_str(), static_cast<unsigned long long>(mid.checkpoints),
        mid.checkpoint_seconds, with_commas(mid.cached_windows).c_str());
    std::fflush(stdout);
  }
  std::printf("\n");
  if (options.pack_cost) pack_cost_section(options, work, pb_path, generated, rules);
  fs::remove(pb_path);
  fs::remove(ndjson_path);
  fs::remove_all(work / "replay-state");
}

// ---------------------------------------------------------------------------
// (b) The Kafka path on the embedded broker.

/// The consumer settings both Kafka runs share: KafkaSource's own defaults.
const nexus::connectors::KafkaSettings& kConsumerSettings =
    nexus::connectors::default_consumer_settings();

struct KafkaRun {
  double seconds = 0;       // first record consumed -> last record processed
  double wall_seconds = 0;  // producer start -> last record processed
  uint64_t records = 0;
  uint64_t gaps = 0;  // offsets skipped (records the mock broker dropped)
  uint64_t alerts = 0;
  std::vector<int64_t> latency_ms;  // CreateTime -> processed
};

using Records = std::vector<std::pair<std::string, std::string>>;  // key, value

/// Produces `records` to "transactions", staying at most `max_lag` ahead of `consumed`.
class Feeder {
 public:
  Feeder(const std::string& bootstrap, const Records& records,
         const std::atomic<uint64_t>& consumed, uint64_t max_lag)
      : thread_([this, bootstrap, &records, &consumed, max_lag] {
          auto producer =
              nexus::connectors::KafkaProducer::create({{"bootstrap.servers", bootstrap}});
          if (!producer) {
            failed_ = true;
            return;
          }
          uint64_t fed = 0;
          for (const auto& [key, value] : records) {
            if (stop_) return;
            if (!producer.value()->produce("transactions", key, value)) {
              failed_ = true;
              return;
            }
            ++fed;
            while (fed > consumed.load(std::memory_order_relaxed) + max_lag && !stop_) {
              producer.value()->poll(1);
            }
          }
          if (!producer.value()->flush()) failed_ = true;
        }) {}
  ~Feeder() {
    stop_ = true;
    thread_.join();
  }
  bool failed() const { return failed_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::thread thread_;
};

struct FreshBroker {
  std::unique_ptr<nexus::connectors::EmbeddedBroker> broker;
  std::string bootstrap;
};

FreshBroker fresh_broker() {
  auto broker = nexus::connectors::EmbeddedBroker::start();
  if (!broker) die(broker.error().message);
  for (const char* topic : {"transactions", "alerts", "transactions.dlq"}) {
    if (auto created = broker.value()->create_topic(topic, 1); !created) {
      die(created.error().message);
    }
  }
  FreshBroker out;
  out.bootstrap = broker.value()->bootstrap_servers();
  out.broker = std::move(broker.value());
  return out;
}

constexpr double kStallSeconds = 30;

KafkaRun run_kafka_engine(const Records& records, const fs::path& work,
                          const std::shared_ptr<const nexus::rules::RuleSet>& rules,
                          const Options& options) {
  FreshBroker broker = fresh_broker();
  const fs::path state_dir = work / "kafka-state";
  fs::remove_all(state_dir);
  auto store = nexus::connectors::RocksDbStateStore::open(state_dir);
  auto producer =
      nexus::connectors::KafkaProducer::create({{"bootstrap.servers", broker.bootstrap}});
  if (!store || !producer) die("cannot open state or the alert producer");
  nexus::connectors::KafkaAlertSink alerts(*producer.value(), "alerts");
  nexus::connectors::KafkaDeadLetterSink dead_letters(*producer.value(), "transactions.dlq");
  nexus::engine::AsyncStateStore async_store(*store.value());
  nexus::engine::Engine engine(rules, nexus::engine::FxTable::defaults(), async_store, alerts,
                               dead_letters, nullptr);
  nexus::connectors::KafkaSourceConfig config;
  config.properties = kConsumerSettings;
  config.properties["bootstrap.servers"] = broker.bootstrap;
  config.properties["group.id"] = "nexus-bench";
  config.topics = {"transactions"};
  config.start_offset = [&engine](const std::string& topic, int32_t partition) {
    auto offset = engine.committed_offset(topic, partition);
    return offset ? offset.value() : std::nullopt;
  };
  auto source = nexus::connectors::KafkaSource::create(std::move(config));
  if (!source) die(source.error().message);

  // Join the group before feeding, so latency measures the steady state and not the
  // first rebalance.
  const auto join_start = SteadyClock::now();
  while (source.value()->assigned() == 0) {
    if (source.value()->poll(50)) die("unexpected record before feeding");
    if (seconds_since(join_start) > kStallSeconds) die("the engine's consumer got no partition");
  }

  KafkaRun run;
  run.latency_ms.reserve(records.size());
  std::atomic<uint64_t> consumed{0};
  const auto wall_start = SteadyClock::now();
  std::optional<SteadyClock::time_point> first;
  auto last_progress = SteadyClock::now();
  auto last_checkpoint = SteadyClock::now();
  int64_t expected_offset = 0;
  {
    Feeder feeder(broker.bootstrap, records, consumed, options.max_lag);
    // The loop of app/stream_runner.cpp: poll(50), process, checkpoint every 20,000
    // records (the demo's setting) or 1 s.
    while (consumed.load() < records.size()) {
      if (auto record = source.value()->poll(50)) {
        if (!first) first = SteadyClock::now();
        if (record->offset() != expected_offset) {
          run.gaps +=
              static_cast<uint64_t>(std::max<int64_t>(record->offset() - expected_offset, 0));
        }
        expected_offset = record->offset() + 1;
        nexus::engine::InputRecord in{record->value(), InputFormat::kProtobuf, record->topic(),
                                      record->partition(), record->offset()};
        if (auto processed = engine.process(in); !processed) {
          die("state failure: " + processed.error().message);
        }
        run.latency_ms.push_back(wall_ms() - record->timestamp_ms());
        consumed.store(static_cast<uint64_t>(expected_offset), std::memory_order_relaxed);
        last_progress = SteadyClock::now();
      }
      const auto now = SteadyClock::now();
      // The defaults of `nexus run` (app/stream_runner.hpp): 100,000 records or 2 s.
      if (engine.records_since_checkpoint() >= 100'000 ||
          (engine.records_since_checkpoint() > 0 &&
           now - last_checkpoint >= std::chrono::seconds(2))) {
        if (auto done = engine.checkpoint(); !done) die("checkpoint: " + done.error().message);
        last_checkpoint = now;
      }
      if (feeder.failed()) die("feeding the broker failed");
      if (std::chrono::duration<double>(now - last_progress).count() > kStallSeconds) {
        std::fprintf(stderr, "nexus_e2e_bench: engine run stalled at %llu records\n",
                     static_cast<unsigned long long>(consumed.load()));
        break;
      }
    }
    if (auto done = engine.checkpoint(); !done) die("checkpoint: " + done.error().message);
  }
  const auto end = SteadyClock::now();
  run.seconds = first ? std::chrono::duration<double>(end - *first).count() : 0;
  run.wall_seconds = std::chrono::duration<double>(end - wall_start).count();
  run.records = engine.metrics().records_in.load();
  run.alerts = engine.metrics().alerts.load();
  return run;
}

KafkaRun run_kafka_raw(const Records& records, const Options& options) {
  FreshBroker broker = fresh_broker();
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::map<std::string, std::string> settings = kConsumerSettings;
  settings["bootstrap.servers"] = broker.bootstrap;
  settings["group.id"] = "raw-bench";
  for (const auto& [key, value] : settings) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof error) !=
        RD_KAFKA_CONF_OK) {
      die("consumer setting " + key + ": " + error);
    }
  }
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
  if (!consumer) die(std::string("cannot create consumer: ") + error);
  rd_kafka_poll_set_consumer(consumer);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, "transactions", RD_KAFKA_PARTITION_UA);
  if (rd_kafka_subscribe(consumer, topics)) die("subscribe failed");
  rd_kafka_topic_partition_list_destroy(topics);
  const auto join_start = SteadyClock::now();
  while (true) {
    rd_kafka_topic_partition_list_t* assignment = nullptr;
    const bool assigned = !rd_kafka_assignment(consumer, &assignment) && assignment->cnt > 0;
    if (assignment) rd_kafka_topic_partition_list_destroy(assignment);
    if (assigned) break;
    if (rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer, 50)) {
      rd_kafka_message_destroy(message);
    }
    if (seconds_since(join_start) > kStallSeconds) die("the raw consumer got no partition");
  }

  KafkaRun run;
  run.latency_ms.reserve(records.size());
  std::atomic<uint64_t> consumed{0};
  uint64_t checksum = 0;
  const auto wall_start = SteadyClock::now();
  std::optional<SteadyClock::time_point> first;
  auto last_progress = SteadyClock::now();
  int64_t expected_offset = 0;
  {
    Feeder feeder(broker.bootstrap, records, consumed, options.max_lag);
    while (consumed.load() < records.size()) {
      rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer, 50);
      const auto now = SteadyClock::now();
      if (message) {
        if (!message->err) {
          if (!first) first = now;
          if (message->offset != expected_offset) {
            run.gaps +=
                static_cast<uint64_t>(std::max<int64_t>(message->offset - expected_offset, 0));
          }
          expected_offset = message->offset + 1;
          // Touch every byte of the payload: the least any consumer does.
          const auto* bytes = static_cast<const unsigned char*>(message->payload);
          for (size_t i = 0; i < message->len; ++i) checksum += bytes[i];
          run.latency_ms.push_back(wall_ms() - rd_kafka_message_timestamp(message, nullptr));
          consumed.store(static_cast<uint64_t>(expected_offset), std::memory_order_relaxed);
          last_progress = now;
        }
        rd_kafka_message_destroy(message);
      }
      if (feeder.failed()) die("feeding the broker failed");
      if (std::chrono::duration<double>(now - last_progress).count() > kStallSeconds) {
        std::fprintf(stderr, "nexus_e2e_bench: raw run stalled at %llu records\n",
                     static_cast<unsigned long long>(consumed.load()));
        break;
      }
    }
  }
  const auto end = SteadyClock::now();
  run.seconds = first ? std::chrono::duration<double>(end - *first).count() : 0;
  run.wall_seconds = std::chrono::duration<double>(end - wall_start).count();
  run.records = run.latency_ms.size();
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  if (checksum == 42) std::fprintf(stderr, " ");  // keep the touch observable
  return run;
}

void kafka_section(const Options& options, const fs::path& work,
                   const std::shared_ptr<const nexus::rules::RuleSet>& rules) {
  Records records;
  records.reserve(options.kafka_transactions);
  nexus::generator::GeneratorConfig config;
  config.seed = options.seed;
  config.accounts = options.accounts;
  config.transactions = options.kafka_transactions;
  nexus::generator::generate(
      config,
      [&](const nexus::v1::Transaction& tx) {
        records.emplace_back(tx.originator().account(), tx.SerializeAsString());
      },
      nullptr);
  size_t bytes = 0;
  for (const auto& record : records) bytes += record.second.size();

  std::printf(
      "## (b) Kafka path on the embedded broker (librdkafka mock cluster, topic \"transactions\", "
      "1 partition)\n\n");
  std::printf(
      "%s records (protobuf, avg %.0f B, key originator.account). A producer thread feeds the "
      "topic while the consumer runs, at most %s records ahead (the mock broker keeps ~5 MB per "
      "partition). NOTE: the producer thread and the broker's threads share the machine's %u "
      "cores with the consumer, so both rates are lower than on a dedicated consumer host.\n"
      "Consumer settings (both runs): fetch.wait.max.ms=10, max.partition.fetch.bytes=8388608, "
      "queued.min.messages=200000. Engine run: KafkaSource -> Engine::process (RocksDB state, "
      "checkpoint every 100,000 records or 2 s, batches written on a second thread) -> "
      "KafkaAlertSink, as `nexus demo`. Raw run: "
      "rd_kafka_consumer_poll, touching each payload. tx/s is from the first record consumed to "
      "the last processed. Latency is message CreateTime (set when the producer enqueues) to "
      "processed, in ms; with the producer %s records ahead it is mostly queueing (lag / "
      "rate).\n\n",
      with_commas(records.size()).c_str(),
      records.empty() ? 0.0 : static_cast<double>(bytes) / static_cast<double>(records.size()),
      with_commas(options.max_lag).c_str(), std::thread::hardware_concurrency(),
      with_commas(options.max_lag).c_str());
  std::printf(
      "| consumer | runs | tx/s (median) | tx/s per run | wall s | records | lost (offset gaps) | "
      "p50 ms | p99 ms | p99.9 ms | max ms | alerts |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  std::fflush(stdout);
  double rates[2] = {0, 0};
  for (int kind = 0; kind < 2; ++kind) {
    std::vector<KafkaRun> runs;
    std::vector<double> per_run;
    for (int i = 0; i < options.kafka_repeat; ++i) {
      runs.push_back(kind == 0 ? run_kafka_engine(records, work, rules, options)
                               : run_kafka_raw(records, options));
      per_run.push_back(runs.back().seconds > 0
                            ? static_cast<double>(runs.back().records) / runs.back().seconds
                            : 0);
      std::fprintf(stderr, "  %s run %d: %.0f tx/s\n", kind == 0 ? "engine" : "raw", i + 1,
                   per_run.back());
    }
    std::vector<size_t> order(runs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return per_run[a] < per_run[b]; });
    const KafkaRun& mid = runs[order[order.size() / 2]];
    rates[kind] = median(per_run);
    const Percentiles latency = percentiles(mid.latency_ms);
    std::string list;
    for (double rate : per_run) {
      if (!list.empty()) list += ", ";
      list += with_commas(static_cast<uint64_t>(rate));
    }
    std::printf(
        "| %s | %zu | **%s** | %s | %.1f | %s | %s | %lld | %lld | %lld | %lld | %s |\n",
        kind == 0 ? "engine (KafkaSource + Engine + KafkaAlertSink)" : "raw librdkafka (ceiling)",
        runs.size(), with_commas(static_cast<uint64_t>(rates[kind])).c_str(), list.c_str(),
        mid.wall_seconds, with_commas(mid.records).c_str(), with_commas(mid.gaps).c_str(),
        static_cast<long long>(latency.p50), static_cast<long long>(latency.p99),
        static_cast<long long>(latency.p999), static_cast<long long>(latency.max),
        kind == 0 ? with_commas(mid.alerts).c_str() : "-");
    std::fflush(stdout);
  }
  std::printf("\nengine / raw = **%.2fx** (target >= 0.5x)\n\n",
              rates[1] > 0 ? rates[0] / rates[1] : 0.0);
  fs::remove_all(work / "kafka-state");
}

}  // namespace

int main(int argc, char** argv) {
  const auto parsed = parse(argc, argv);
  if (!parsed) {
    usage();
    return 2;
  }
  const Options& options = *parsed;
  const auto started = SteadyClock::now();
  const auto rules = shipped_rules();
  const fs::path work = nexus::bench::fresh_temp_dir("nexus-e2e-bench");

  std::printf("# nexus_e2e_bench\n\n");
  std::printf("- machine: %s\n", nexus::bench::machine().c_str());
  std::printf("- build: %s (CMAKE_BUILD_TYPE), librdkafka %s\n", NEXUS_BUILD_TYPE,
              rd_kafka_version_str());
  std::printf("- rules: %s/rules/packs, %zu rules, %zu aggregates, content hash %s\n",
              NEXUS_SOURCE_DIR, rules->rules.size(), rules->aggregates.size(),
              rules->content_hash.c_str());
  std::printf(
      "- traffic: generator seed %llu, %s accounts, 30 days; replay %s transactions, Kafka %s "
      "transactions\n",
      static_cast<unsigned long long>(options.seed), with_commas(options.accounts).c_str(),
      with_commas(options.transactions).c_str(), with_commas(options.kafka_transactions).c_str());
  std::printf("- repeats: replay %d per format (medians shown), Kafka %d per consumer\n",
              options.repeat, options.kafka_repeat);
  std::printf("- temp dir: %s (removed at the end)\n", work.c_str());
  std::printf("- load average at start: %s (other work on the machine skews the numbers)\n\n",
              load_average().c_str());
  std::fflush(stdout);

  if (options.replay) replay_section(options, work, rules);
  if (options.kafka) kafka_section(options, work, rules);

  fs::remove_all(work);
  std::printf("total harness time %.1f s; load average at end: %s\n", seconds_since(started),
              load_average().c_str());
  return 0;
}
