#include "app/stream_runner.hpp"

#include "app/common.hpp"

#include <chrono>
#include <cstdio>
#include <map>

namespace nexus::app {

namespace {

// Offsets go to Kafka only after the checkpoint that covers them, so consumer-lag tools
// show where the engine really is; the engine itself resumes from its own store.
void commit_to_kafka(const engine::Engine& engine, connectors::KafkaSource& source) {
  std::map<std::pair<std::string, int32_t>, int64_t> offsets;
  for (const auto& [topic, partition, offset] : engine.checkpointed_offsets()) {
    offsets[{topic, partition}] = offset;
  }
  source.commit(offsets);
}

}  // namespace

int run_stream(engine::Engine& engine, connectors::KafkaSource& source,
               const std::atomic<bool>& stop, const StreamOptions& options,
               const std::function<void()>& tick) {
  using Clock = std::chrono::steady_clock;
  auto last_checkpoint = Clock::now();
  auto last_tick = Clock::now();
  while (!stop.load()) {
    if (options.between_events) options.between_events();
    if (options.max_ahead_of_wall_clock_ms > 0) {
      engine.set_latest_plausible_time(wall_clock_ms() + options.max_ahead_of_wall_clock_ms);
    }
    if (auto record = source.poll(50)) {
      engine::InputRecord input{record->value(), options.format, record->topic(),
                                record->partition(), record->offset()};
      if (auto processed = engine.process(input); !processed) {
        log_json("error", "state failure, stopping", {{"error", processed.error().message}});
        return 1;
      }
    }
    const auto now = Clock::now();
    const bool due_by_count = engine.records_since_checkpoint() >= options.checkpoint_events;
    const bool due_by_time =
        engine.records_since_checkpoint() > 0 &&
        now - last_checkpoint >= std::chrono::milliseconds(options.checkpoint_interval_ms);
    if (due_by_count || due_by_time) {
      if (auto done = engine.checkpoint(); !done) {
        log_json("error", "checkpoint failed, stopping", {{"error", done.error().message}});
        return 1;
      }
      last_checkpoint = now;
      commit_to_kafka(engine, source);
    }
    if (tick && now - last_tick >= std::chrono::milliseconds(250)) {
      tick();
      last_tick = now;
    }
  }
  if (auto done = engine.checkpoint(); !done) {
    log_json("error", "final checkpoint failed", {{"error", done.error().message}});
    return 1;
  }
  commit_to_kafka(engine, source);
  return 0;
}

}  // namespace nexus::app
