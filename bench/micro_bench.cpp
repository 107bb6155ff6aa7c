// nexus_micro_bench: Google Benchmark micro-benchmarks of the engine's per-event
// stages, on generator traffic (see README.md for what each one measures).
#include "connectors/file_sink.hpp"
#include "engine/alert_builder.hpp"
#include "engine/engine.hpp"
#include "engine/memory_state_store.hpp"
#include "engine/timezone/event_zone.hpp"
#include "engine/timezone/zone_clock.hpp"
#include "engine/transaction_decoder.hpp"
#include "engine/validator.hpp"
#include "engine/window_store.hpp"
#include "generator/generator.hpp"
#include "rules/compiler.hpp"

#include <benchmark/benchmark.h>

#include <bit>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace {

using nexus::v1::Transaction;

/// Generated traffic, serialized both ways; built once per process.
struct Corpus {
  std::vector<Transaction> transactions;
  std::vector<std::string> protobuf;
  std::vector<std::string> ndjson;
};

const Corpus& corpus() {
  static const Corpus* instance = [] {
    auto* out = new Corpus();
    nexus::generator::GeneratorConfig config;
    config.accounts = 100'000;
    config.transactions = 200'000;
    nexus::generator::generate(
        config,
        [&](const Transaction& tx) {
          out->transactions.push_back(tx);
          out->protobuf.push_back(tx.SerializeAsString());
          out->ndjson.push_back(nexus::connectors::to_json_line(tx));
        },
        nullptr);
    return out;
  }();
  return *instance;
}

std::shared_ptr<const nexus::rules::RuleSet> shipped_rules() {
  static const auto rules = [] {
    auto compiled = nexus::rules::compile_rule_dir(NEXUS_SOURCE_DIR "/rules/packs");
    if (!compiled) {
      std::fprintf(stderr, "rules refused: %s\n", compiled.error().message.c_str());
      std::exit(2);
    }
    return compiled.value();
  }();
  return rules;
}

class NullAlertSink final : public nexus::engine::AlertSink {
 public:
  void publish(const nexus::v1::Alert& alert) override { benchmark::DoNotOptimize(&alert); }
  nexus::Result<void> flush() override { return nexus::outcome::success(); }
};

class NullDeadLetterSink final : public nexus::engine::DeadLetterSink {
 public:
  void publish(const nexus::v1::DeadLetter& letter) override { benchmark::DoNotOptimize(&letter); }
  nexus::Result<void> flush() override { return nexus::outcome::success(); }
};

void decode(benchmark::State& state, const std::vector<std::string>& records,
            nexus::engine::InputFormat format) {
  nexus::engine::TransactionDecoder decoder;
  Transaction tx;
  size_t next = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string& record = records[next];
    next = next + 1 == records.size() ? 0 : next + 1;
    auto status = decoder.decode(record, format, &tx);
    if (!status.ok) state.SkipWithError(status.reason.c_str());
    bytes += record.size();
    benchmark::DoNotOptimize(tx);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["json_fallbacks"] = static_cast<double>(decoder.json_fallbacks());
}

void BM_DecodeNdjson(benchmark::State& state) {
  decode(state, corpus().ndjson, nexus::engine::InputFormat::kNdjson);
}
BENCHMARK(BM_DecodeNdjson);

void BM_DecodeProtobuf(benchmark::State& state) {
  decode(state, corpus().protobuf, nexus::engine::InputFormat::kProtobuf);
}
BENCHMARK(BM_DecodeProtobuf);

void BM_Validate(benchmark::State& state) {
  const auto& transactions = corpus().transactions;
  const auto fx = nexus::engine::FxTable::defaults();
  size_t next = 0;
  for (auto _ : state) {
    auto status = nexus::engine::validate(transactions[next], fx);
    next = next + 1 == transactions.size() ? 0 : next + 1;
    benchmark::DoNotOptimize(status);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Validate);

/// What `hour` costs per event: the zone of the event's place (timezone::event_zone:
/// the merchant's or payer's country through the table) and its local time through one
/// ZoneClock that caches each zone's offset span, over generator traffic (20 countries),
/// at the instants `instants` gives (event index -> ms since the epoch).
void local_time_loop(benchmark::State& state, const std::vector<int64_t>& instants) {
  const auto& transactions = corpus().transactions;
  const auto& zones = nexus::timezone::ZoneTable::system().value();
  nexus::timezone::ZoneClock clock(zones);
  size_t next = 0;
  for (auto _ : state) {
    const auto zone = nexus::timezone::event_zone(zones, transactions[next]).zone;
    const auto local = clock.at(zone, instants[next]);
    next = next + 1 == transactions.size() ? 0 : next + 1;
    benchmark::DoNotOptimize(local);
  }
  state.SetItemsProcessed(state.iterations());
}

/// The events' own times: event-time order over 30 days, as the engine sees them.
void BM_EventLocalTime(benchmark::State& state) {
  std::vector<int64_t> instants;
  for (const auto& tx : corpus().transactions) {
    instants.push_back(tx.event_time().seconds() * 1000 + tx.event_time().nanos() / 1'000'000);
  }
  local_time_loop(state, instants);
}
BENCHMARK(BM_EventLocalTime);

/// The worst case for the span cache: random instants over 2025-2027, so most lookups
/// in a zone with daylight saving leave the cached span and search the zone's
/// transitions (Abseil's TimeZone::At plus two transition look-ups).
void BM_EventLocalTimeRandomInstants(benchmark::State& state) {
  std::vector<int64_t> instants;
  uint64_t x = 42;
  for (size_t i = 0; i < corpus().transactions.size(); ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    instants.push_back(1'735'689'600'000LL + static_cast<int64_t>((x >> 20) % 94'608'000'000ULL));
  }
  local_time_loop(state, instants);
}
BENCHMARK(BM_EventLocalTimeRandomInstants);

/// ZoneClock::at alone: the zones and instants of the events' own times, taken out of
/// the messages beforehand (no walk over 200,000 protobuf messages).
void BM_ZoneClockAt(benchmark::State& state) {
  const auto& zones = nexus::timezone::ZoneTable::system().value();
  std::vector<std::pair<nexus::timezone::ZoneId, int64_t>> events;
  for (const auto& tx : corpus().transactions) {
    events.emplace_back(nexus::timezone::event_zone(zones, tx).zone,
                        tx.event_time().seconds() * 1000 + tx.event_time().nanos() / 1'000'000);
  }
  nexus::timezone::ZoneClock clock(zones);
  size_t next = 0;
  for (auto _ : state) {
    const auto local = clock.at(events[next].first, events[next].second);
    next = next + 1 == events.size() ? 0 : next + 1;
    benchmark::DoNotOptimize(local);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ZoneClockAt);

/// WindowStore::add on outbound_by_originator_1h (count, sum, distinct) keyed by the
/// originator, in event-time order over range(0) distinct keys (the generator's
/// accounts), on a MemoryStateStore. Includes the first-touch miss of each key.
void BM_WindowAdd(benchmark::State& state) {
  const auto rules = shipped_rules();
  const auto& transactions = corpus().transactions;
  const auto& aggregate = rules->aggregates.front();
  nexus::engine::MemoryStateStore store;
  auto windows =
      std::make_unique<nexus::engine::WindowStore>(store, nexus::engine::WindowStoreConfig{});
  size_t next = 0;
  uint64_t slots[2];
  for (auto _ : state) {
    if (next == transactions.size()) {
      // Time would go backwards: start a fresh store (not timed).
      state.PauseTiming();
      windows =
          std::make_unique<nexus::engine::WindowStore>(store, nexus::engine::WindowStoreConfig{});
      next = 0;
      state.ResumeTiming();
    }
    const Transaction& tx = transactions[next++];
    const int64_t time_ms = tx.event_time().seconds() * 1000;
    slots[0] = std::bit_cast<uint64_t>(static_cast<double>(tx.amount_minor()) / 100.0);
    slots[1] = nexus::engine::WindowStore::hash_string(tx.beneficiary().account());
    auto added = windows->add(aggregate, tx.originator().account(), time_ms, tx.id(), slots,
                              time_ms - 3'600'000 - aggregate.window_ms);
    if (!added) state.SkipWithError(added.error().message.c_str());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["cached_keys"] = static_cast<double>(windows->cached_keys());
}
BENCHMARK(BM_WindowAdd);

/// WindowStore::collect_dirty with range(0) windows cached, of which 1,000 are dirty:
/// the checkpoint's cost as the cache grows while the work per checkpoint stays the same.
void BM_CollectDirty(benchmark::State& state) {
  const auto rules = shipped_rules();
  const auto& aggregate = rules->aggregates.front();
  const size_t cached = static_cast<size_t>(state.range(0));
  constexpr size_t kDirty = 1'000;
  nexus::engine::MemoryStateStore store;
  nexus::engine::WindowStore windows(store, nexus::engine::WindowStoreConfig{});
  const uint64_t slots[2] = {0, 1};
  std::vector<std::string> keys;
  for (size_t i = 0; i < cached; ++i) keys.push_back("ACC-" + std::to_string(i));
  int64_t time_ms = 1'735'689'600'000;
  for (const auto& key : keys) {
    if (!windows.add(aggregate, key, time_ms, "tx", slots, 0)) state.SkipWithError("add");
  }
  nexus::engine::StateBatch batch;
  windows.collect_dirty(&batch);
  size_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    ++time_ms;
    for (size_t i = 0; i < kDirty; ++i) {
      if (!windows.add(aggregate, keys[next], time_ms, "tx", slots, time_ms - 1)) {
        state.SkipWithError("add");
      }
      next = next + 1 == keys.size() ? 0 : next + 1;
    }
    batch.ops.clear();
    state.ResumeTiming();
    windows.collect_dirty(&batch);
  }
  state.counters["dirty"] = static_cast<double>(batch.ops.size());
  state.counters["cached"] = static_cast<double>(windows.cached_keys());
}
BENCHMARK(BM_CollectDirty)->Arg(10'000)->Arg(100'000)->Arg(600'000)->Unit(benchmark::kMicrosecond);

/// One event through Engine::process with the shipped pack: decode (protobuf),
/// validate, FX, all window updates, every rule, alert building; null sinks and a
/// MemoryStateStore, checkpoint every 50,000 events (included in the time).
void BM_EngineProcess(benchmark::State& state) {
  const auto rules = shipped_rules();
  const auto& records = corpus().protobuf;
  NullAlertSink alerts;
  NullDeadLetterSink dead_letters;
  auto store = std::make_unique<nexus::engine::MemoryStateStore>();
  auto engine = std::make_unique<nexus::engine::Engine>(rules, nexus::engine::FxTable::defaults(),
                                                        *store, alerts, dead_letters, nullptr);
  size_t next = 0;
  for (auto _ : state) {
    if (next == records.size()) {
      state.PauseTiming();
      engine.reset();
      store = std::make_unique<nexus::engine::MemoryStateStore>();
      engine = std::make_unique<nexus::engine::Engine>(rules, nexus::engine::FxTable::defaults(),
                                                       *store, alerts, dead_letters, nullptr);
      next = 0;
      state.ResumeTiming();
    }
    nexus::engine::InputRecord record{records[next], nexus::engine::InputFormat::kProtobuf,
                                      "transactions", 0, static_cast<int64_t>(next)};
    ++next;
    if (auto processed = engine->process(record); !processed) {
      state.SkipWithError(processed.error().message.c_str());
      break;
    }
    if (engine->records_since_checkpoint() >= 50'000) {
      if (auto done = engine->checkpoint(); !done) {
        state.SkipWithError(done.error().message.c_str());
        break;
      }
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["alerts"] = static_cast<double>(engine->metrics().alerts.load());
  state.counters["dead_letters"] = static_cast<double>(engine->metrics().dead_letters.load());
}
BENCHMARK(BM_EngineProcess)->Iterations(200'000);

void BM_AlertId(benchmark::State& state) {
  const auto& transactions = corpus().transactions;
  size_t next = 0;
  for (auto _ : state) {
    auto id = nexus::engine::alert_id("TF-CROWDFUND-FANIN", 1, transactions[next].id());
    next = next + 1 == transactions.size() ? 0 : next + 1;
    benchmark::DoNotOptimize(id);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AlertId);

}  // namespace

BENCHMARK_MAIN();
