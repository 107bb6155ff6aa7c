// Builds an rd_kafka_conf_t from Nexus's defaults and the user's settings (the
// user's win). One config block serves both roles, so the other role's
// settings are left out rather than warned about. Logs go to JSON lines.
#pragma once

#include "connectors/detail/kafka_log.hpp"
#include "connectors/kafka_settings.hpp"

#include "base/result.hpp"
#include <librdkafka/rdkafka.h>

#include <string>

namespace nexus::connectors::detail {

enum class KafkaRole { kConsumer, kProducer };

inline bool belongs_to_other_role(const std::string& key, KafkaRole role) {
  const bool consumer_only = key == "group.id" || key.rfind("auto.offset", 0) == 0 ||
                             key.rfind("enable.auto", 0) == 0 || key.rfind("fetch.", 0) == 0 ||
                             key == "max.partition.fetch.bytes" || key == "queued.min.messages";
  const bool producer_only = key == "enable.idempotence" || key == "linger.ms" ||
                             key.rfind("batch.", 0) == 0 || key.rfind("queue.buffering", 0) == 0 ||
                             key == "acks";
  return role == KafkaRole::kConsumer ? producer_only : consumer_only;
}

/// The caller owns the returned conf (rd_kafka_new takes it, or rd_kafka_conf_destroy).
inline Result<rd_kafka_conf_t*> make_conf(KafkaRole role, const KafkaSettings& user) {
  KafkaSettings settings =
      role == KafkaRole::kConsumer ? default_consumer_settings() : default_producer_settings();
  for (const auto& [key, value] : user) settings[key] = value;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  use_json_log(conf);
  char error[512];
  for (const auto& [key, value] : settings) {
    if (belongs_to_other_role(key, role)) continue;
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof error) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return make_error("kafka_config",
                        std::string(role == KafkaRole::kConsumer ? "consumer" : "producer") +
                            " setting " + key + ": " + error);
    }
  }
  return conf;
}

}  // namespace nexus::connectors::detail
