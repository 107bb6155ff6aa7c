// EmbeddedBroker: librdkafka's in-process mock cluster. Speaks the real Kafka
// protocol on loopback (consumer groups, idempotent producers and
// transactions work), so demos and tests need no external Kafka. It keeps only
// about 5 MB per partition: produce and consume concurrently. Construct and
// destroy on one thread; bootstrap_servers() is safe from any thread.
#pragma once

#include "base/result.hpp"

#include <memory>
#include <string>

namespace nexus::connectors {

class EmbeddedBroker {
 public:
  static Result<std::unique_ptr<EmbeddedBroker>> start(int brokers = 1);
  ~EmbeddedBroker();
  EmbeddedBroker(const EmbeddedBroker&) = delete;
  EmbeddedBroker& operator=(const EmbeddedBroker&) = delete;

  const std::string& bootstrap_servers() const { return bootstrap_; }
  Result<void> create_topic(const std::string& topic, int partitions);

 private:
  struct Impl;
  explicit EmbeddedBroker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string bootstrap_;
};

}  // namespace nexus::connectors
