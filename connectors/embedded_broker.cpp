#include "connectors/embedded_broker.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace nexus::connectors {

struct EmbeddedBroker::Impl {
  rd_kafka_t* handle = nullptr;
  rd_kafka_mock_cluster_t* cluster = nullptr;
  ~Impl() {
    // The cluster must go before the handle that owns it, or librdkafka asserts.
    if (cluster) rd_kafka_mock_cluster_destroy(cluster);
    if (handle) rd_kafka_destroy(handle);
  }
};

EmbeddedBroker::EmbeddedBroker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(impl_->cluster);
}

EmbeddedBroker::~EmbeddedBroker() = default;

Result<std::unique_ptr<EmbeddedBroker>> EmbeddedBroker::start(int brokers) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", error, sizeof error);
  auto impl = std::make_unique<Impl>();
  impl->handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (!impl->handle) {
    rd_kafka_conf_destroy(conf);
    return make_error("broker", std::string("cannot create broker handle: ") + error);
  }
  impl->cluster = rd_kafka_mock_cluster_new(impl->handle, brokers);
  if (!impl->cluster) return make_error("broker", "cannot start the embedded Kafka cluster");
  return std::unique_ptr<EmbeddedBroker>(new EmbeddedBroker(std::move(impl)));
}

Result<void> EmbeddedBroker::create_topic(const std::string& topic, int partitions) {
  const auto err = rd_kafka_mock_topic_create(impl_->cluster, topic.c_str(), partitions, 1);
  if (err)
    return make_error("broker", "cannot create topic " + topic + ": " + rd_kafka_err2str(err));
  return outcome::success();
}

}  // namespace nexus::connectors
