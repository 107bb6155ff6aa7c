#include "app/stream_runner.hpp"

#include "app/common.hpp"

#include <chrono>
#include <cstdio>

namespace nexus::app {

int run_stream(engine::Engine& engine, connectors::KafkaSource& source,
               const std::atomic<bool>& stop, const StreamOptions& options,
               const std::function<void()>& tick) {
  using Clock = std::chrono::steady_clock;
  auto last_checkpoint = Clock::now();
  auto last_tick = Clock::now();
  while (!stop.load()) {
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
  return 0;
}

}  // namespace nexus::app
