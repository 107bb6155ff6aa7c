// CollectingAlertSink and CollectingDeadLetterSink: keep everything published in
// memory. For rule inline tests, backtests and the test suite. Single-threaded.
#pragma once

#include "engine/sinks.hpp"

#include <vector>

namespace nexus::engine {

class CollectingAlertSink final : public AlertSink {
 public:
  void publish(const nexus::v1::Alert& alert) override { alerts.push_back(alert); }
  Result<void> flush() override {
    ++flushes;
    return outcome::success();
  }
  std::vector<nexus::v1::Alert> alerts;
  int flushes = 0;
};

class CollectingDeadLetterSink final : public DeadLetterSink {
 public:
  void publish(const nexus::v1::DeadLetter& letter) override { letters.push_back(letter); }
  Result<void> flush() override { return outcome::success(); }
  std::vector<nexus::v1::DeadLetter> letters;
};

}  // namespace nexus::engine
