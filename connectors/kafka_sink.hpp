// KafkaProducer: an idempotent librdkafka producer, and the engine sinks built
// on it (alerts and dead letters as protobuf binary). publish() may be called
// from one thread at a time; flush() waits for every delivery report and fails
// when any delivery failed since the last flush.
#pragma once

#include "engine/sinks.hpp"

#include "base/result.hpp"

#include <atomic>
#include <map>
#include <memory>
#include <string>

namespace nexus::connectors {

class KafkaProducer {
 public:
  /// `properties` are librdkafka settings (bootstrap.servers and any other).
  static Result<std::unique_ptr<KafkaProducer>> create(
      const std::map<std::string, std::string>& properties);
  ~KafkaProducer();
  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;

  /// Queues one message; blocks briefly (polling) while the local queue is full.
  Result<void> produce(const std::string& topic, std::string_view key, std::string_view value);
  /// Waits up to `timeout_ms` for all queued messages to be acknowledged.
  Result<void> flush(int timeout_ms = 30'000);
  /// Serves delivery reports for up to `timeout_ms`.
  void poll(int timeout_ms);
  uint64_t delivered() const { return delivered_.load(); }

 private:
  KafkaProducer() = default;
  static void on_delivery(void* handle, const void* message, void* opaque);
  void* handle_ = nullptr;  // rd_kafka_t*
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
  std::string last_error_;
};

class KafkaAlertSink final : public engine::AlertSink {
 public:
  KafkaAlertSink(KafkaProducer& producer, std::string topic)
      : producer_(producer), topic_(std::move(topic)) {}
  void publish(const nexus::v1::Alert& alert) override;
  Result<void> flush() override { return producer_.flush(); }

 private:
  KafkaProducer& producer_;
  std::string topic_;
  std::string buffer_;
};

class KafkaDeadLetterSink final : public engine::DeadLetterSink {
 public:
  KafkaDeadLetterSink(KafkaProducer& producer, std::string topic)
      : producer_(producer), topic_(std::move(topic)) {}
  void publish(const nexus::v1::DeadLetter& letter) override;
  Result<void> flush() override { return producer_.flush(); }

 private:
  KafkaProducer& producer_;
  std::string topic_;
  std::string buffer_;
};

}  // namespace nexus::connectors
