// DeskIngest: the desk's consumer of the `alerts` topic. On its own thread, with its own
// DeskStore connection, it reads nexus.v1.Alert records (its own consumer group,
// isolation.level=read_committed, so an engine's aborted transactions never reach the
// desk), stores them in batches (insert_batch: each alert once, by id) and then commits the
// offsets: a restart resumes after the last stored batch, and a record read twice is
// stored once. A record that does not decode is counted and reported with its topic,
// partition and offset, and the desk goes on. An alert marked `shadow` (a shadow rule's, which
// belongs on `alerts.shadow`) is never stored: counted in `shadow`, reported, skipped.
#pragma once

#include "base/result.hpp"
#include "desk/desk_store.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

namespace nexus::connectors {

struct DeskIngestConfig {
  std::map<std::string, std::string> kafka;  // librdkafka settings; bootstrap.servers needed
  std::string topic = "alerts";
  /// The engines' events topic (nexus.v1.EngineEvent): each event is recorded once in the
  /// audit chain, as actor "engine:<instance>". "": not consumed.
  std::string events_topic;
  size_t batch = 500;   // alerts per store transaction at most
  int linger_ms = 200;  // a partial batch is stored after this long
  /// Told about every record that is not an alert: where it was and why.
  std::function<void(const std::string& where, const std::string& why)> on_refused;
};

struct DeskIngestCounts {
  std::atomic<uint64_t> read{0}, stored{0}, duplicates{0}, refused{0}, store_errors{0},
      engine_events{0}, shadow{0};
};

class DeskIngest {
 public:
  /// Starts consuming. `store` is this ingest's own connection (stores are one-thread).
  static Result<std::unique_ptr<DeskIngest>> start(DeskIngestConfig config,
                                                   std::unique_ptr<desk::DeskStore> store);
  ~DeskIngest();  // stops and joins
  DeskIngest(const DeskIngest&) = delete;
  DeskIngest& operator=(const DeskIngest&) = delete;

  const DeskIngestCounts& counts() const { return counts_; }
  /// Partitions currently assigned to this consumer.
  size_t assigned() const;

 private:
  DeskIngest() = default;
  void run();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  DeskIngestCounts counts_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace nexus::connectors
