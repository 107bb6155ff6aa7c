// nexus broker: the embedded Kafka (librdkafka's mock cluster) on loopback, with the topics
// `nexus run` reads and writes, until Ctrl-C: a way to try `nexus run`, kcat or one's own
// producer without installing Kafka.
#include "app/commands.hpp"
#include "connectors/embedded_broker.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>

namespace nexus::app {

namespace {

std::atomic<bool> g_stop{false};

struct BrokerOptions {
  int partitions = 1;
  std::string write_config;
  std::string input_format = "ndjson";
};

int run_broker(const BrokerOptions& options) {
  auto broker = connectors::EmbeddedBroker::start();
  if (!broker) {
    std::fprintf(stderr, "nexus: %s\n", broker.error().message.c_str());
    return 1;
  }
  for (const char* topic : {"transactions", "alerts", "transactions.dlq"}) {
    if (auto created = broker.value()->create_topic(topic, options.partitions); !created) {
      std::fprintf(stderr, "nexus: %s\n", created.error().message.c_str());
      return 1;
    }
  }
  const std::string& bootstrap = broker.value()->bootstrap_servers();
  if (!options.write_config.empty()) {
    std::ofstream config(options.write_config, std::ios::trunc);
    config << "# nexus run --config " << options.write_config << "  (written by nexus broker)\n"
           << "kafka:\n  bootstrap.servers: " << bootstrap << "\n  group.id: nexus\n"
           << "input_format: " << options.input_format
           << "                 # ndjson: one JSON transaction a message (kcat -P -l file)\n"
           << "state_dir: ./nexus-data/state\n";
    if (!config.good()) {
      std::fprintf(stderr, "nexus: cannot write %s\n", options.write_config.c_str());
      return 2;
    }
  }
  std::printf(
      "embedded Kafka at %s: topics transactions, alerts, transactions.dlq (%d partition%s "
      "each)\n",
      bootstrap.c_str(), options.partitions, options.partitions == 1 ? "" : "s");
  if (!options.write_config.empty()) {
    std::printf("config for it:   %s (nexus run --config %s)\n", options.write_config.c_str(),
                options.write_config.c_str());
  } else {
    std::printf("nexus run:       kafka: {bootstrap.servers: %s} in its config\n",
                bootstrap.c_str());
  }
  std::printf(
      "read the alerts: kcat -b %s -t alerts -C\n"
      "it keeps about 5 MB per partition and forgets everything when stopped; Ctrl-C stops it\n",
      bootstrap.c_str());
  std::fflush(stdout);
  std::signal(SIGINT, [](int) { g_stop = true; });
  std::signal(SIGTERM, [](int) { g_stop = true; });
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::printf("embedded Kafka stopped\n");
  return 0;
}

}  // namespace

void add_broker_command(CLI::App& app) {
  auto options = std::make_shared<BrokerOptions>();
  auto* command = app.add_subcommand(
      "broker", "Serve the embedded Kafka on loopback with nexus's topics until Ctrl-C");
  command->add_option("--partitions", options->partitions, "Partitions per topic")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  command->add_option("--write-config", options->write_config,
                      "Also write a nexus run config pointing at it to this file");
  command
      ->add_option("--input-format", options->input_format,
                   "input_format in the written config: ndjson (what kcat -l sends) or protobuf")
      ->check(CLI::IsMember({"ndjson", "protobuf"}))
      ->capture_default_str();
  command->callback([options] { std::exit(run_broker(*options)); });
}

}  // namespace nexus::app
