// nexus run: the engine against any Kafka cluster, configured by a YAML file.
#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/config_reader.hpp"
#include "app/engine_events.hpp"
#include "app/list_reloader.hpp"
#include "app/party_rescreen.hpp"
#include "app/rule_reloader.hpp"
#include "app/screening_setup.hpp"
#include "app/stream_runner.hpp"
#include "connectors/kafka_sink.hpp"
#include "connectors/metrics_server.hpp"
#include "connectors/rocksdb_state_store.hpp"
#include "engine/async_state_store.hpp"
#include "engine/transaction_decoder.hpp"
#include "rules/duration.hpp"
#include "rules/field_catalog.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <type_traits>

namespace nexus::app {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<RuleReloader*> g_reloader{nullptr};
std::atomic<ListReloader*> g_list_reloader{nullptr};

struct RunConfig {
  std::map<std::string, std::string> kafka;
  std::string input_topic = "transactions";
  std::string alerts_topic = "alerts";
  std::string shadow_alerts_topic = "alerts.shadow";  // alerts of `mode: shadow` rules
  std::string dlq_topic = "transactions.dlq";
  std::string events_topic;  // the engine's own events for the desk's audit chain; "": none
  std::string format = "protobuf";
  std::string rules_dir;
  std::string state_dir = "./nexus-data/state";
  std::string lists_dir;
  std::string metrics_address = "127.0.0.1";
  int metrics_port = -1;     // -1: no metrics endpoint
  std::string reload_token;  // from metrics.reload_token_file; empty: no POST /-/reload
  StreamOptions stream;
  engine::EngineConfig engine;
};

/// The bearer token POST /-/reload needs: the first line of a file only its owner can read,
/// 16 characters or more (e.g. `openssl rand -hex 32 > reload.token; chmod 600 reload.token`).
std::string read_reload_token(const std::string& path, const YAML::Node& node,
                              const std::string& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(file, ec);
  if (ec || !fs::is_regular_file(status)) {
    config_error(path, node.Mark(), "metrics.reload_token_file: cannot read '" + file + "'");
  }
  if ((status.permissions() & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none) {
    config_error(path, node.Mark(),
                 "metrics.reload_token_file: '" + file +
                     "' may be read by others than its owner (chmod 600 it)");
  }
  std::ifstream in(file);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  if (token.size() < 16) {
    config_error(path, node.Mark(),
                 "metrics.reload_token_file: the token in '" + file +
                     "' is shorter than 16 characters (try: openssl rand -hex 32)");
  }
  return token;
}

RunConfig load_config(const std::string& path) {
  RunConfig config;
  YAML::Node root;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    std::fprintf(stderr, "nexus: %s: no such config file (see deploy/nexus.yaml)\n", path.c_str());
    std::exit(2);
  }
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    config_error(path, e.mark, e.msg);
  }
  check_keys(path, root,
             {"kafka", "topics", "input_format", "rules", "state_dir", "lists_dir", "metrics",
              "checkpoint", "engine"},
             "the config");
  // Relative paths in the file are relative to the file, so it works from any directory.
  const std::filesystem::path base = std::filesystem::path(path).parent_path();
  auto resolve = [&base](const std::string& value) {
    if (value.empty()) return value;
    const std::filesystem::path candidate(value);
    return candidate.is_absolute() ? value : (base / candidate).lexically_normal().string();
  };
  read_kafka_settings(path, root["kafka"], config.kafka);
  if (auto topics = root["topics"]) {
    check_keys(path, topics, {"input", "alerts", "shadow_alerts", "dlq", "events"}, "topics");
    config.events_topic = read(path, topics["events"], config.events_topic, "topics.events");
    config.input_topic = read(path, topics["input"], config.input_topic, "topics.input");
    config.alerts_topic = read(path, topics["alerts"], config.alerts_topic, "topics.alerts");
    config.dlq_topic = read(path, topics["dlq"], config.dlq_topic, "topics.dlq");
    config.shadow_alerts_topic =
        read(path, topics["shadow_alerts"], config.shadow_alerts_topic, "topics.shadow_alerts");
    // The desk reads the alerts topic: shadow alerts there would be one setting away from
    // the analysts' queue.
    if (config.shadow_alerts_topic.empty() || config.shadow_alerts_topic == config.alerts_topic) {
      config_error(path,
                   (topics["shadow_alerts"] ? topics["shadow_alerts"] : topics["alerts"]).Mark(),
                   "topics.shadow_alerts: '" + config.shadow_alerts_topic +
                       "' must be a topic of its own, not empty and not topics.alerts (shadow "
                       "alerts never go where the desk reads)");
    }
  }
  config.format = read(path, root["input_format"], config.format, "input_format");
  if (config.format != "protobuf" && config.format != "ndjson") {
    config_error(path, root["input_format"].Mark(), "input_format must be protobuf or ndjson");
  }
  config.rules_dir = resolve(read<std::string>(path, root["rules"], "", "rules"));
  config.state_dir = resolve(read(path, root["state_dir"], config.state_dir, "state_dir"));
  config.lists_dir = resolve(read<std::string>(path, root["lists_dir"], "", "lists_dir"));
  if (auto metrics = root["metrics"]) {
    check_keys(path, metrics, {"address", "port", "reload_token_file"}, "metrics");
    config.metrics_address =
        read(path, metrics["address"], config.metrics_address, "metrics.address");
    config.metrics_port =
        static_cast<int>(read_in_range(path, metrics["port"], 9464, "metrics.port", 0, 65535));
    if (auto token_file = metrics["reload_token_file"]) {
      config.reload_token = read_reload_token(
          path, token_file, resolve(read<std::string>(path, token_file, "", "reload_token_file")));
    }
  }
  if (auto checkpoint = root["checkpoint"]) {
    check_keys(path, checkpoint, {"events", "interval_ms"}, "checkpoint");
    config.stream.checkpoint_events = static_cast<uint64_t>(read_in_range(
        path, checkpoint["events"], static_cast<int64_t>(config.stream.checkpoint_events),
        "checkpoint.events", 1, 100'000'000));
    config.stream.checkpoint_interval_ms =
        read_in_range(path, checkpoint["interval_ms"], config.stream.checkpoint_interval_ms,
                      "checkpoint.interval_ms", 1, 3'600'000);
  }
  if (auto settings = root["engine"]) {
    check_keys(path, settings, {"allowed_lateness", "max_future", "max_ahead_of_wall_clock"},
               "engine");
    config.engine.allowed_lateness_ms =
        read_duration(path, settings["allowed_lateness"], config.engine.allowed_lateness_ms,
                      "engine.allowed_lateness");
    config.engine.max_future_ms = read_duration(path, settings["max_future"],
                                                config.engine.max_future_ms, "engine.max_future");
    config.stream.max_ahead_of_wall_clock_ms = config.engine.allowed_lateness_ms;
    config.stream.max_ahead_of_wall_clock_ms =
        read_duration(path, settings["max_ahead_of_wall_clock"],
                      config.stream.max_ahead_of_wall_clock_ms, "engine.max_ahead_of_wall_clock");
    if (config.engine.max_future_ms < config.engine.allowed_lateness_ms) {
      config_error(path, settings.Mark(),
                   "engine.max_future must be at least engine.allowed_lateness: history that "
                   "may arrive that late may also jump that far ahead");
    }
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
    // Always wired: a reload may bring a shadow rule into a set that had none.
    connectors::KafkaAlertSink shadow_alerts(*producer.value(), config.shadow_alerts_topic);
    connectors::KafkaDeadLetterSink dead_letters(*producer.value(), config.dlq_topic);
    // Checkpoint batches go to RocksDB on a second thread while events keep flowing.
    engine::AsyncStateStore async_store(*store.value());
    auto screener = make_screener_or_exit(config.lists_dir);
    engine::Engine engine(rule_set, engine::FxTable::defaults(), async_store, alerts, dead_letters,
                          screener.get(), config.engine);
    engine.set_shadow_sink(&shadow_alerts);
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
    // Hot reload: the rule directory is watched (checked every second); SIGHUP or
    // POST /-/reload on the metrics port forces a check; a set that does not compile is refused and
    // the live one stays.
    const std::filesystem::path rules_dir =
        config.rules_dir.empty() ? default_rules_dir() : std::filesystem::path(config.rules_dir);
    RuleReloader reloader(rules_dir, engine);
    g_reloader = &reloader;
    EngineEvents engine_events(producer.value().get(), config.events_topic);
    reloader.on_change([&engine_events](const std::string& action,
                                        const std::map<std::string, std::string>& fields) {
      engine_events.emit(action, "ruleset:" + (fields.count("live") ? fields.at("live") : ""),
                         nlohmann::json(fields));
    });
    // The lists are watched the same way (a new snapshot from `nexus lists import`), loaded
    // beside the live ones on a thread of their own and adopted between two events.
    std::unique_ptr<ListReloader> list_reloader;
    if (screener) {
      list_reloader = std::make_unique<ListReloader>(config.lists_dir, *screener, engine.metrics());
      g_list_reloader = list_reloader.get();
      list_reloader->on_change([&engine_events, &list_reloader](const std::string& action,
                                                                const nlohmann::json& details) {
        engine_events.emit(action, list_reloader->live_object(), details);
      });
      // The parties seen before are screened against what the new lists added or changed.
      list_reloader->on_adopt([&](const auto& before, const auto& after) {
        auto facts = rescreen_engine(engine, async_store, alerts, before, after);
        if (!facts) {
          log_json("error",
                   "re-screening after the list reload failed; it runs again at the "
                   "next start",
                   {{"error", facts.error().message}});
          return;
        }
        engine_events.emit("engine.lists_rescreened", list_reloader->live_object(), facts.value());
      });
    }
    std::unique_ptr<connectors::MetricsServer> metrics;
    if (config.metrics_port >= 0) {
      auto server = connectors::MetricsServer::start(
          config.metrics_address, static_cast<uint16_t>(config.metrics_port),
          [&engine] { return engine.metrics().prometheus(); },
          [&reloader, &list_reloader] {
            reloader.request();
            if (list_reloader) list_reloader->request();
            return std::string(
                "reload requested: the engine checks its rule directory (and its lists "
                "directory) before the next event; the outcome is logged and counted in "
                "nexus_rule_reloads_total (and nexus_list_reloads_total)\n");
          },
          config.reload_token);
      if (!server) {
        std::fprintf(stderr, "nexus: %s\n", server.error().message.c_str());
        std::exit(2);
      }
      metrics = std::move(server.value());
      log_json("info", "metrics endpoint",
               {{"url", "http://" + config.metrics_address + ":" + std::to_string(metrics->port()) +
                            "/metrics"},
                {"reload", config.reload_token.empty()
                               ? "off over HTTP (no metrics.reload_token_file); SIGHUP reloads"
                               : "POST /-/reload with Authorization: Bearer <token>"}});
    }

    config.stream.between_events = [&reloader, &list_reloader] {
      reloader.maybe_reload();
      if (list_reloader) list_reloader->maybe_reload();
    };
    std::signal(SIGHUP, [](int) {
      if (auto* live = g_reloader.load()) live->request();
      if (auto* lists = g_list_reloader.load()) lists->request();
    });
    std::signal(SIGINT, [](int) { g_stop = true; });
    std::signal(SIGTERM, [](int) { g_stop = true; });
    log_json("info", "engine running",
             {{"bootstrap", config.kafka["bootstrap.servers"]},
              {"input", config.input_topic},
              {"rules", rule_set->content_hash},
              {"lists", screener ? screener->snapshot()->versions() : std::string("off")}});
    {
      // Where it resumes: the input offsets of the last checkpoint in its state.
      nlohmann::json recovered = nlohmann::json::object();
      for (const auto& [topic, partition, offset] : engine.checkpointed_offsets()) {
        recovered[topic + "/" + std::to_string(partition)] = offset;
      }
      engine_events.emit("engine.start", "ruleset:" + rule_set->content_hash,
                         {{"version", NEXUS_VERSION},
                          {"rules", rule_set->rules.size()},
                          {"rules_dir", rules_dir.string()},
                          {"input", config.input_topic},
                          {"state_dir", config.state_dir},
                          {"recovered_offsets", recovered}});
      if (list_reloader) {
        engine_events.emit("engine.lists_loaded", list_reloader->live_object(),
                           list_reloader->live_details());
        // Lists imported while the engine was down: the parties seen before meet them now.
        auto caught_up = rescreen_at_start(engine, async_store, alerts, screener->snapshot());
        if (!caught_up) {
          std::fprintf(stderr, "nexus: re-screening at start: %s\n",
                       caught_up.error().message.c_str());
          std::exit(2);
        }
        if (caught_up.value()) {
          engine_events.emit("engine.lists_rescreened", list_reloader->live_object(),
                             *caught_up.value());
        }
      }
    }
    // Progress on stderr every 10 s whether or not metrics are served, and a word on why
    // nothing flows while the consumer group has not assigned this member its partitions
    // (after a restart the old member holds them until session.timeout.ms runs out).
    auto* consumer = source.value().get();
    size_t last_assigned = static_cast<size_t>(-1);
    auto last_progress = std::chrono::steady_clock::now();
    uint64_t last_events = 0;
    auto tick = [&] {
      const size_t assigned = consumer->assigned();
      const auto now = std::chrono::steady_clock::now();
      if (assigned != last_assigned) {
        if (assigned == 0) {
          log_json("info", "waiting for partition assignment",
                   {{"group", config.kafka.count("group.id") ? config.kafka["group.id"] : ""},
                    {"why",
                     "the consumer group is rebalancing; after a restart the previous "
                     "member keeps its partitions until its session times out"}});
        } else {
          log_json("info", "partitions assigned", {{"partitions", std::to_string(assigned)}});
        }
        last_assigned = assigned;
      }
      if (now - last_progress < std::chrono::seconds(10)) return;
      const auto& m = engine.metrics();
      const uint64_t events = m.events_processed.load();
      log_json("info", "progress",
               {{"events", std::to_string(events)},
                {"events_per_s", std::to_string(static_cast<uint64_t>(
                                     static_cast<double>(events - last_events) /
                                     std::chrono::duration<double>(now - last_progress).count()))},
                {"alerts", std::to_string(m.alerts.load())},
                {"shadow_alerts", std::to_string(m.shadow_alerts.load())},
                {"dead_letters", std::to_string(m.dead_letters.load())},
                {"watermark", m.watermark_ms.load() > 0
                                  ? engine::format_rfc3339_ms(m.watermark_ms.load())
                                  : std::string("none yet")},
                {"partitions", std::to_string(assigned)}});
      last_progress = now;
      last_events = events;
    };
    int status = run_stream(engine, *source.value(), g_stop, config.stream, tick);
    if (auto durable = async_store.drain(); !durable) {
      log_json("error", "final checkpoint failed", {{"error", durable.error().message}});
      status = 1;
    }
    // The metrics server's thread may call the reload handler, which reads list_reloader:
    // stop it first. Then join a list load in flight (std::exit below runs no destructors of
    // these locals).
    metrics.reset();
    g_list_reloader = nullptr;
    list_reloader.reset();
    log_json("info", "engine stopped",
             {{"events", std::to_string(engine.metrics().events_processed.load())},
              {"alerts", std::to_string(engine.metrics().alerts.load())}});
    engine_events.emit("engine.stop", "ruleset:" + engine.rules().content_hash,
                       {{"events", engine.metrics().events_processed.load()},
                        {"alerts", engine.metrics().alerts.load()},
                        {"status", status}});
    std::exit(status);
  });
}

}  // namespace nexus::app
