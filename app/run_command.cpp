// nexus run: the engine against any Kafka cluster, configured by a YAML file.
#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/rule_reloader.hpp"
#include "app/screening_setup.hpp"
#include "app/stream_runner.hpp"
#include "connectors/kafka_sink.hpp"
#include "connectors/metrics_server.hpp"
#include "connectors/rocksdb_state_store.hpp"
#include "engine/async_state_store.hpp"

#include <yaml-cpp/yaml.h>

#include <csignal>
#include <cstdio>

namespace nexus::app {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<RuleReloader*> g_reloader{nullptr};

struct RunConfig {
  std::map<std::string, std::string> kafka;
  std::string input_topic = "transactions";
  std::string alerts_topic = "alerts";
  std::string dlq_topic = "transactions.dlq";
  std::string format = "protobuf";
  std::string rules_dir;
  std::string state_dir = "./nexus-data/state";
  std::string lists_dir;
  std::string metrics_address = "127.0.0.1";
  int metrics_port = -1;  // -1: no metrics endpoint
  StreamOptions stream;
};

RunConfig load_config(const std::string& path) {
  RunConfig config;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    std::fprintf(stderr, "nexus: %s:%d:%d: %s\n", path.c_str(), e.mark.line + 1, e.mark.column + 1,
                 e.msg.c_str());
    std::exit(2);
  }
  try {
    for (const auto& pair : root["kafka"]) {
      config.kafka[pair.first.as<std::string>()] = pair.second.as<std::string>();
    }
    if (auto topics = root["topics"]) {
      config.input_topic = topics["input"].as<std::string>(config.input_topic);
      config.alerts_topic = topics["alerts"].as<std::string>(config.alerts_topic);
      config.dlq_topic = topics["dlq"].as<std::string>(config.dlq_topic);
    }
    config.format = root["input_format"].as<std::string>(config.format);
    config.rules_dir = root["rules"].as<std::string>("");
    config.state_dir = root["state_dir"].as<std::string>(config.state_dir);
    config.lists_dir = root["lists_dir"].as<std::string>("");
    if (auto metrics = root["metrics"]) {
      config.metrics_address = metrics["address"].as<std::string>(config.metrics_address);
      config.metrics_port = metrics["port"].as<int>(9464);
    }
    if (auto checkpoint = root["checkpoint"]) {
      config.stream.checkpoint_events =
          checkpoint["events"].as<uint64_t>(config.stream.checkpoint_events);
      config.stream.checkpoint_interval_ms =
          checkpoint["interval_ms"].as<int64_t>(config.stream.checkpoint_interval_ms);
    }
  } catch (const YAML::Exception& e) {
    std::fprintf(stderr, "nexus: %s:%d:%d: %s\n", path.c_str(), e.mark.line + 1, e.mark.column + 1,
                 e.msg.c_str());
    std::exit(2);
  }
  if (!config.kafka.count("bootstrap.servers")) {
    std::fprintf(stderr, "nexus: %s: kafka.bootstrap.servers is required\n", path.c_str());
    std::exit(2);
  }
  config.stream.format =
      config.format == "ndjson" ? engine::InputFormat::kNdjson : engine::InputFormat::kProtobuf;
  return config;
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto* command =
      app.add_subcommand("run", "Run the engine against a Kafka cluster until SIGINT/SIGTERM");
  command->add_option("--config,-c", *path, "YAML config (see deploy/nexus.yaml)")->required();
  command->callback([path] {
    RunConfig config = load_config(*path);
    auto rule_set = load_rules_or_exit(
        config.rules_dir.empty() ? default_rules_dir() : std::filesystem::path(config.rules_dir));
    auto store = connectors::RocksDbStateStore::open(config.state_dir);
    if (!store) {
      std::fprintf(stderr, "nexus: %s\n", store.error().message.c_str());
      std::exit(2);
    }
    auto producer = connectors::KafkaProducer::create(config.kafka);
    if (!producer) {
      std::fprintf(stderr, "nexus: %s\n", producer.error().message.c_str());
      std::exit(2);
    }
    connectors::KafkaAlertSink alerts(*producer.value(), config.alerts_topic);
    connectors::KafkaDeadLetterSink dead_letters(*producer.value(), config.dlq_topic);
    // Checkpoint batches go to RocksDB on a second thread while events keep flowing.
    engine::AsyncStateStore async_store(*store.value());
    auto screener = make_screener_or_exit(config.lists_dir);
    engine::Engine engine(rule_set, engine::FxTable::defaults(), async_store, alerts, dead_letters,
                          screener.get());
    connectors::KafkaSourceConfig source_config;
    source_config.properties = config.kafka;
    source_config.topics = {config.input_topic};
    source_config.start_offset = [&engine](const std::string& topic, int32_t partition) {
      auto offset = engine.committed_offset(topic, partition);
      return offset ? offset.value() : std::nullopt;
    };
    source_config.on_revoke = [&engine] { (void)engine.checkpoint(); };
    auto source = connectors::KafkaSource::create(std::move(source_config));
    if (!source) {
      std::fprintf(stderr, "nexus: %s\n", source.error().message.c_str());
      std::exit(2);
    }
    std::unique_ptr<connectors::MetricsServer> metrics;
    if (config.metrics_port >= 0) {
      auto server = connectors::MetricsServer::start(
          config.metrics_address, static_cast<uint16_t>(config.metrics_port),
          [&engine] { return engine.metrics().prometheus(); });
      if (!server) {
        std::fprintf(stderr, "nexus: %s\n", server.error().message.c_str());
        std::exit(2);
      }
      metrics = std::move(server.value());
      log_json("info", "metrics endpoint",
               {{"url", "http://" + config.metrics_address + ":" + std::to_string(metrics->port()) +
                            "/metrics"}});
    }
    // Hot reload: the rule directory is watched (checked every second) and SIGHUP forces
    // a check; a set that does not compile is refused and the live one stays.
    const std::filesystem::path rules_dir =
        config.rules_dir.empty() ? default_rules_dir() : std::filesystem::path(config.rules_dir);
    RuleReloader reloader(rules_dir, engine);
    g_reloader = &reloader;
    config.stream.between_events = [&reloader] { reloader.maybe_reload(); };
    std::signal(SIGHUP, [](int) {
      if (auto* live = g_reloader.load()) live->request();
    });
    std::signal(SIGINT, [](int) { g_stop = true; });
    std::signal(SIGTERM, [](int) { g_stop = true; });
    log_json("info", "engine running",
             {{"bootstrap", config.kafka["bootstrap.servers"]},
              {"input", config.input_topic},
              {"rules", rule_set->content_hash}});
    int status = run_stream(engine, *source.value(), g_stop, config.stream, nullptr);
    if (auto durable = async_store.drain(); !durable) {
      log_json("error", "final checkpoint failed", {{"error", durable.error().message}});
      status = 1;
    }
    log_json("info", "engine stopped",
             {{"events", std::to_string(engine.metrics().events_processed.load())},
              {"alerts", std::to_string(engine.metrics().alerts.load())}});
    std::exit(status);
  });
}

}  // namespace nexus::app
