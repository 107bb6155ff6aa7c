#include "connectors/kafka_settings.hpp"

namespace nexus::connectors {

const KafkaSettings& default_consumer_settings() {
  static const KafkaSettings settings = {{"group.id", "nexus"},
                                         {"enable.auto.commit", "false"},
                                         {"enable.auto.offset.store", "false"},
                                         {"auto.offset.reset", "earliest"},
                                         {"fetch.wait.max.ms", "10"},
                                         {"max.partition.fetch.bytes", "8388608"},
                                         {"queued.min.messages", "200000"},
                                         {"log_level", "3"}};
  return settings;
}

const KafkaSettings& default_producer_settings() {
  static const KafkaSettings settings = {{"enable.idempotence", "true"},
                                         {"linger.ms", "5"},
                                         {"batch.num.messages", "10000"},
                                         {"queue.buffering.max.messages", "500000"},
                                         {"log_level", "3"}};
  return settings;
}

}  // namespace nexus::connectors
