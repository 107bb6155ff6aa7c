// Where the engine's output goes. Implementations: Kafka producers and files
// (connectors/), in-memory collectors (tests). Called from the engine thread.
#pragma once

#include "nexus/v1/alert.pb.h"

#include "base/result.hpp"

namespace nexus::engine {

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void publish(const nexus::v1::Alert& alert) = 0;
  /// Blocks until everything published is durable downstream; the engine calls it
  /// before committing a checkpoint, so a crash never loses an alert.
  virtual Result<void> flush() = 0;
};

class DeadLetterSink {
 public:
  virtual ~DeadLetterSink() = default;
  virtual void publish(const nexus::v1::DeadLetter& letter) = 0;
  virtual Result<void> flush() = 0;
};

}  // namespace nexus::engine
