// Integration through the embedded broker: produce transactions (and a bad
// record) to "transactions", run the engine, consume "alerts" and
// "transactions.dlq" and check what arrived against a file replay of the
// same input.
#include "connectors/embedded_broker.hpp"
#include "connectors/kafka_sink.hpp"
#include "connectors/kafka_source.hpp"
#include "engine/collecting_sinks.hpp"
#include "engine/engine.hpp"
#include "engine/memory_state_store.hpp"
#include "generator/generator.hpp"
#include "rules/compiler.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

namespace nexus {
namespace {

using Clock = std::chrono::steady_clock;

TEST(KafkaPipeline, AlertsAndDeadLettersArriveOnTheirTopics) {
  auto broker = connectors::EmbeddedBroker::start();
  ASSERT_TRUE(broker) << broker.error().message;
  const std::string bootstrap = broker.value()->bootstrap_servers();
  for (const char* topic : {"transactions", "alerts", "transactions.dlq"}) {
    ASSERT_TRUE(broker.value()->create_topic(topic, 1));
  }
  auto rules = rules::compile_rule_dir(std::string(NEXUS_SOURCE_DIR) + "/rules/packs");
  ASSERT_TRUE(rules);

  generator::GeneratorConfig config;
  config.seed = 9;
  config.transactions = 6'000;
  config.accounts = 500;
  config.days = 10;
  std::vector<std::string> records;
  std::vector<generator::ScenarioLabel> labels;
  generator::generate(
      config, [&](const nexus::v1::Transaction& tx) { records.push_back(tx.SerializeAsString()); },
      &labels);
  const std::string bad = "\x0a\xff\xff definitely not a transaction";
  records.insert(records.begin() + 100, bad);

  // What a file replay of the same records produces: the reference.
  engine::CollectingAlertSink reference;
  {
    engine::MemoryStateStore store;
    engine::CollectingDeadLetterSink dead_letters;
    engine::Engine engine(rules.value(), engine::FxTable::defaults(), store, reference,
                          dead_letters, nullptr);
    for (size_t i = 0; i < records.size(); ++i) {
      ASSERT_TRUE(engine.process(
          {records[i], engine::InputFormat::kProtobuf, "f", 0, static_cast<int64_t>(i)}));
    }
  }
  std::set<std::string> reference_ids;
  for (const auto& alert : reference.alerts) reference_ids.insert(alert.id());
  ASSERT_FALSE(reference_ids.empty());

  // Produce (small enough for the mock broker's ~5 MB per partition).
  {
    auto producer = connectors::KafkaProducer::create({{"bootstrap.servers", bootstrap}});
    ASSERT_TRUE(producer);
    for (const auto& record : records) {
      ASSERT_TRUE(producer.value()->produce("transactions", "k", record));
    }
    ASSERT_TRUE(producer.value()->flush());
  }

  // The engine, consuming until it has seen every record.
  uint64_t engine_alerts = 0;
  {
    engine::MemoryStateStore store;
    auto producer = connectors::KafkaProducer::create({{"bootstrap.servers", bootstrap}});
    ASSERT_TRUE(producer);
    connectors::KafkaAlertSink alerts(*producer.value(), "alerts");
    connectors::KafkaDeadLetterSink dead_letters(*producer.value(), "transactions.dlq");
    engine::Engine engine(rules.value(), engine::FxTable::defaults(), store, alerts, dead_letters,
                          nullptr);
    connectors::KafkaSourceConfig source_config;
    source_config.properties = {{"bootstrap.servers", bootstrap}, {"group.id", "nexus-test"}};
    source_config.topics = {"transactions"};
    auto source = connectors::KafkaSource::create(std::move(source_config));
    ASSERT_TRUE(source);
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (engine.metrics().records_in.load() < records.size() && Clock::now() < deadline) {
      if (auto record = source.value()->poll(100)) {
        ASSERT_TRUE(engine.process({record->value(), engine::InputFormat::kProtobuf,
                                    record->topic(), record->partition(), record->offset()}));
      }
    }
    ASSERT_EQ(engine.metrics().records_in.load(), records.size());
    ASSERT_TRUE(engine.checkpoint());
    engine_alerts = engine.metrics().alerts.load();
  }

  // Read both output topics back.
  std::set<std::string> on_topic;
  std::vector<nexus::v1::DeadLetter> letters;
  connectors::KafkaSourceConfig reader_config;
  reader_config.properties = {{"bootstrap.servers", bootstrap}, {"group.id", "reader"}};
  reader_config.topics = {"alerts", "transactions.dlq"};
  auto reader = connectors::KafkaSource::create(std::move(reader_config));
  ASSERT_TRUE(reader);
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while ((on_topic.size() < engine_alerts || letters.empty()) && Clock::now() < deadline) {
    auto record = reader.value()->poll(100);
    if (!record) continue;
    if (record->topic() == "alerts") {
      nexus::v1::Alert alert;
      ASSERT_TRUE(
          alert.ParseFromArray(record->value().data(), static_cast<int>(record->value().size())));
      EXPECT_FALSE(alert.evidence().empty()) << alert.rule_id();
      EXPECT_GT(alert.transaction_ids_size(), 0);
      on_topic.insert(alert.id());
    } else {
      nexus::v1::DeadLetter letter;
      ASSERT_TRUE(
          letter.ParseFromArray(record->value().data(), static_cast<int>(record->value().size())));
      letters.push_back(letter);
    }
  }
  EXPECT_EQ(on_topic, reference_ids) << "the Kafka path must alert exactly as a file replay";
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].reason(), "undecodable");
  EXPECT_EQ(letters[0].payload(), bad);
  EXPECT_EQ(letters[0].source_topic(), "transactions");
  EXPECT_EQ(letters[0].source_offset(), 100);
}

}  // namespace
}  // namespace nexus
