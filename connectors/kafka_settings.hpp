// The librdkafka settings Nexus starts from, before the user's own (which win):
// one place for KafkaSource, KafkaProducer and the benchmarks that compare
// against a raw consumer with the same settings. Thread-safe (immutable).
#pragma once

#include <map>
#include <string>

namespace nexus::connectors {

using KafkaSettings = std::map<std::string, std::string>;

/// Manual offsets (the engine's checkpoint owns them), earliest when none, and the fetch
/// settings measured to matter on the embedded broker (README, performance).
const KafkaSettings& default_consumer_settings();

/// Idempotent delivery, small lingering, large local queue.
const KafkaSettings& default_producer_settings();

}  // namespace nexus::connectors
