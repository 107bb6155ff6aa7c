// KafkaSource: a librdkafka consumer-group member feeding the engine. Offsets
// are the engine's, not Kafka's: on assignment each partition starts at the
// offset the engine's last checkpoint stored (earliest when none), so state and
// position never disagree. Offsets are also committed to Kafka after each
// checkpoint, for lag monitoring only. Engine thread only.
#pragma once

#include "base/result.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::connectors {

/// One consumed record; valid until the next poll() or the object's destruction.
class KafkaRecord {
 public:
  explicit KafkaRecord(void* message) : message_(message) {}
  ~KafkaRecord();
  KafkaRecord(KafkaRecord&& other) noexcept : message_(other.message_) { other.message_ = nullptr; }
  KafkaRecord(const KafkaRecord&) = delete;
  KafkaRecord& operator=(const KafkaRecord&) = delete;
  KafkaRecord& operator=(KafkaRecord&&) = delete;

  std::string_view value() const;
  std::string_view topic() const;
  int32_t partition() const;
  int64_t offset() const;
  /// The message timestamp in Unix milliseconds (CreateTime unless the topic logs
  /// append time), or -1 when the broker sent none.
  int64_t timestamp_ms() const;

 private:
  void* message_;  // rd_kafka_message_t*
};

struct KafkaSourceConfig {
  /// librdkafka settings: bootstrap.servers, group.id and any other.
  std::map<std::string, std::string> properties;
  std::vector<std::string> topics;
  /// Where a partition resumes: the engine's committed offset, nullopt for earliest.
  std::function<std::optional<int64_t>(const std::string& topic, int32_t partition)> start_offset;
  /// With no start_offset: resume where the group last committed (commit()), or from the
  /// earliest record for a new group. Otherwise (default) a partition without a
  /// start_offset starts at the earliest record.
  bool resume_from_committed = false;
  /// Called before partitions are taken away, so the engine can checkpoint.
  std::function<void()> on_revoke;
};

class KafkaSource {
 public:
  static Result<std::unique_ptr<KafkaSource>> create(KafkaSourceConfig config);
  ~KafkaSource();
  KafkaSource(const KafkaSource&) = delete;
  KafkaSource& operator=(const KafkaSource&) = delete;

  /// The next record, or nullopt when none arrived within `timeout_ms`. Transport
  /// errors are logged and counted, never thrown.
  std::optional<KafkaRecord> poll(int timeout_ms);
  /// Commits next offsets to Kafka asynchronously (the engine's are for monitoring; the
  /// desk resumes from them with resume_from_committed).
  void commit(const std::map<std::pair<std::string, int32_t>, int64_t>& next_offsets);
  /// Partitions currently assigned.
  size_t assigned() const { return assigned_; }
  uint64_t errors() const { return errors_; }

 private:
  KafkaSource() = default;
  static void on_rebalance(void* handle, int err, void* partitions, void* opaque);
  void* handle_ = nullptr;  // rd_kafka_t*
  KafkaSourceConfig config_;
  size_t assigned_ = 0;
  uint64_t errors_ = 0;
};

}  // namespace nexus::connectors
