// The streaming loop shared by `nexus run` and `nexus demo`: poll Kafka, run
// the engine, checkpoint every N events or T milliseconds. Main thread.
#pragma once

#include "connectors/kafka_source.hpp"
#include "engine/engine.hpp"

#include <atomic>
#include <cstdint>
#include <functional>

namespace nexus::app {

struct StreamOptions {
  /// Checkpoint after this many records. Default: 100,000.
  uint64_t checkpoint_events = 100'000;
  /// ...or after this much wall time with records pending. Default: 2,000 ms. (Wall time
  /// decides only when state is saved, never what the rules see.)
  int64_t checkpoint_interval_ms = 2'000;
  engine::InputFormat format = engine::InputFormat::kProtobuf;
  /// Events more than this ahead of the wall clock are dead-lettered as future_event
  /// (Engine::set_latest_plausible_time). 0 turns it off. Default: 1 hour, the default
  /// allowed lateness, so no accepted record can make the payments of now late.
  int64_t max_ahead_of_wall_clock_ms = 3'600'000;
  /// Called between events on every loop turn (hot reload hooks in here); may be empty.
  std::function<void()> between_events;
};

/// Runs until `stop` becomes true or state I/O fails. Calls `tick` about every
/// 250 ms. Returns 0, or 1 on a state failure.
int run_stream(engine::Engine& engine, connectors::KafkaSource& source,
               const std::atomic<bool>& stop, const StreamOptions& options,
               const std::function<void()>& tick);

}  // namespace nexus::app
