// EngineEvents: publishes an engine instance's operational events (nexus.v1.EngineEvent:
// start, rule reloads, stop) to the events topic, where the review desk records each in its
// audit chain. Off when no topic is given. A failed publish is logged, never fatal: the
// payments keep flowing.
#pragma once

#include "connectors/kafka_sink.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace nexus::app {

class EngineEvents {
 public:
  /// `producer` may be null or `topic` empty: then emit() does nothing.
  EngineEvents(connectors::KafkaProducer* producer, std::string topic);

  void emit(const std::string& action, const std::string& object, const nlohmann::json& details);
  const std::string& instance() const { return instance_; }

 private:
  connectors::KafkaProducer* producer_;
  std::string topic_;
  std::string instance_;
  int64_t start_ms_;
  uint64_t next_ = 0;
};

}  // namespace nexus::app
