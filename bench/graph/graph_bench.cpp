// graph_bench: throughput and memory of the money-flow graph (issue 5) at a
// given number of accounts: per event, FlowGraph::add + PatternDetector::on_edge
// + ExposureTracker::on_edge, with a checkpoint (collect_dirty, RocksDB write,
// evict) every 100,000 events, all timed; and EntityResolver::observe on
// account profiles. Generated traffic, deterministic (seeded). See README.md.
#include "connectors/rocksdb_state_store.hpp"
#include "engine/graph/entity_resolver.hpp"
#include "engine/graph/exposure_tracker.hpp"
#include "engine/graph/flow_graph.hpp"
#include "engine/graph/pattern_detector.hpp"

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>

namespace {

using namespace nexus;

constexpr int64_t kT0 = 1'735'689'600'000;  // 2025-01-01T00:00:00Z
constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int64_t kMeasuredEvents = 1'000'000;
constexpr int64_t kCheckpointEvery = 100'000;

/// kB of a line of /proc/self/status ("VmRSS", "VmHWM").
double status_mb(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) return std::atof(line.c_str() + std::strlen(field) + 1) / 1024.0;
  }
  return 0;
}

std::string account_id(uint64_t index) {
  char text[32];
  std::snprintf(text, sizeof(text), "ACC-%010llu", static_cast<unsigned long long>(index));
  return text;
}

/// Payments among `accounts`: each account pays about once a week; 70 % of payments go
/// to one of the payer's 4 fixed contacts, 30 % to anyone; amounts log-uniform 7..8,100.
class Traffic {
 public:
  explicit Traffic(uint64_t accounts, uint64_t seed = 1)
      : accounts_(accounts),
        random_(seed),
        step_ms_(std::max<int64_t>(1, 7 * kDayMs / static_cast<int64_t>(accounts))) {}

  graph::FlowEdge next() {
    const uint64_t from = random_() % accounts_;
    uint64_t to;
    if (random_() % 10 < 7) {
      // splitmix-style hash of (from, k): a fixed contact list per account.
      uint64_t h = from * 4 + random_() % 4 + 0x9e3779b97f4a7c15ULL;
      h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
      h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
      to = (h ^ (h >> 31)) % accounts_;
    } else {
      to = random_() % accounts_;
    }
    if (to == from) to = (to + 1) % accounts_;
    const double amount =
        std::round(std::exp(2.0 + 7.0 * std::uniform_real_distribution<double>()(random_)) * 100) /
        100;
    time_ += step_ms_;
    char tx[32];
    std::snprintf(tx, sizeof(tx), "tx-%012llu", static_cast<unsigned long long>(++count_));
    return graph::FlowEdge{account_id(from), account_id(to), amount, time_, tx};
  }
  int64_t step_ms() const { return step_ms_; }

 private:
  uint64_t accounts_;
  std::mt19937_64 random_;
  int64_t step_ms_;
  int64_t time_ = kT0;
  uint64_t count_ = 0;
};

std::filesystem::path temp_dir(const char* what, int64_t accounts) {
  return std::filesystem::temp_directory_path() /
         ("nexus_graph_bench_" + std::string(what) + "_" + std::to_string(getpid()) + "_" +
          std::to_string(accounts));
}

void fail(benchmark::State& state, const Error& error) {
  state.SkipWithError(error.message.c_str());
}

/// Graph update + all six detectors + exposure, per event.
void BM_GraphEvent(benchmark::State& state) {
  const int64_t accounts = state.range(0);
  const auto dir = temp_dir("events", accounts);
  {
    auto opened = connectors::RocksDbStateStore::open(dir);
    if (!opened) return fail(state, opened.error());
    auto& store = *opened.value();
    graph::FlowGraph flows(store, {});
    graph::PatternDetector detector(flows, {});
    graph::ExposureTracker exposure(store, flows, {});
    Traffic traffic(static_cast<uint64_t>(accounts));
    // One account in a thousand is flagged before any payment.
    for (int64_t i = 0; i < accounts; i += 1000) {
      if (!exposure.flag(account_id(static_cast<uint64_t>(i)), "sanctions", kT0, "bench")) {
        return fail(state, make_error("flag", "flag failed"));
      }
    }
    std::vector<graph::Detection> detections;
    std::array<int64_t, 6> by_pattern{};
    int64_t events = 0;
    auto checkpoint = [&]() -> bool {
      engine::StateBatch batch;
      flows.collect_dirty(&batch);
      exposure.collect_dirty(&batch);
      if (!store.write(batch)) return false;
      flows.evict();
      exposure.evict();
      return true;
    };
    auto one = [&]() -> bool {
      const graph::FlowEdge edge = traffic.next();
      auto added = flows.add(edge);
      if (!added) return false;
      if (added.value() == graph::AddStatus::kAdded) {
        detections.clear();
        if (!detector.on_edge(edge, &detections) || !exposure.on_edge(edge)) return false;
        for (const auto& d : detections) ++by_pattern[static_cast<size_t>(d.pattern)];
      }
      if (++events % kCheckpointEvery == 0 && !checkpoint()) return false;
      return true;
    };
    // Warm-up (not timed): half as many events as accounts, at least one window's worth,
    // at most 5M, so the graph and the store are populated before measuring.
    const int64_t warmup = std::min<int64_t>(
        std::max<int64_t>(accounts / 2, 7 * kDayMs / traffic.step_ms()), 5'000'000);
    for (int64_t i = 0; i < warmup; ++i) {
      if (!one()) return fail(state, make_error("warmup", "graph update failed"));
    }
    by_pattern = {};
    const int64_t measured_from = events;
    const uint64_t lookups_from = flows.lookups();
    const uint64_t misses_from = flows.cache_misses();
    for (auto _ : state) {
      if (!one()) return fail(state, make_error("event", "graph update failed"));
    }
    if (!checkpoint()) return fail(state, make_error("checkpoint", "checkpoint failed"));
    const int64_t measured = events - measured_from;
    state.SetItemsProcessed(measured);
    state.counters["events_per_s"] =
        benchmark::Counter(static_cast<double>(measured), benchmark::Counter::kIsRate);
    state.counters["warmup_events"] = static_cast<double>(warmup);
    state.counters["rss_mb"] = status_mb("VmRSS");
    state.counters["peak_rss_mb"] = status_mb("VmHWM");
    state.counters["rocksdb_mb"] = static_cast<double>(store.approximate_size()) / (1 << 20);
    state.counters["cached_nodes"] = static_cast<double>(flows.cached_nodes());
    state.counters["lookups_per_event"] =
        static_cast<double>(flows.lookups() - lookups_from) / static_cast<double>(measured);
    state.counters["misses_per_event"] =
        static_cast<double>(flows.cache_misses() - misses_from) / static_cast<double>(measured);
    static constexpr std::array<const char*, 6> kNames = {
        "fan_out", "fan_in", "cycle", "scatter_gather", "gather_scatter", "pass_through"};
    for (size_t i = 0; i < kNames.size(); ++i) {
      state.counters[kNames[i]] = static_cast<double>(by_pattern[i]);
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

/// EntityResolver::observe on account profiles: each account has a fixed phone and
/// email drawn from pools of one per account (so some are shared and clusters form);
/// one profile in ten adds a device id, one in 500 a shared office phone that the
/// guard stops.
void BM_EntityResolve(benchmark::State& state) {
  const int64_t accounts = state.range(0);
  const auto dir = temp_dir("entities", accounts);
  {
    auto opened = connectors::RocksDbStateStore::open(dir);
    if (!opened) return fail(state, opened.error());
    auto& store = *opened.value();
    graph::EntityResolver resolver(store, {});
    std::mt19937_64 random(7);
    const uint64_t pool = static_cast<uint64_t>(accounts);
    auto hash = [](uint64_t value) {
      value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
      value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
      return value ^ (value >> 31);
    };
    int64_t observed = 0, new_common = 0;
    auto one = [&]() -> bool {
      graph::AccountProfile profile;
      const uint64_t account = random() % pool;
      profile.account = account_id(account);
      profile.name = "Name " + std::to_string(hash(account) % 100'000);
      profile.identifiers.push_back(
          {graph::IdentifierKind::kPhone,
           "+1 555 " + std::to_string(10'000'000 + hash(account * 2) % pool)});
      profile.identifiers.push_back(
          {graph::IdentifierKind::kEmail,
           "u" + std::to_string(hash(account * 2 + 1) % pool) + "@example.org"});
      if (random() % 10 == 0) {
        profile.identifiers.push_back(
            {graph::IdentifierKind::kDevice, "device-" + std::to_string(random() % (4 * pool))});
      }
      if (random() % 500 == 0)
        profile.identifiers.push_back({graph::IdentifierKind::kPhone, "+1 800 555 0100"});
      auto outcome = resolver.observe(profile);
      if (!outcome) return false;
      new_common += static_cast<int64_t>(outcome.value().new_common.size());
      if (++observed % kCheckpointEvery == 0) {
        engine::StateBatch batch;
        resolver.collect_dirty(&batch);
        if (!store.write(batch)) return false;
        resolver.evict();
      }
      return true;
    };
    const int64_t warmup = std::min<int64_t>(accounts / 2, 5'000'000);
    for (int64_t i = 0; i < warmup; ++i) {
      if (!one()) return fail(state, make_error("warmup", "observe failed"));
    }
    const int64_t measured_from = observed;
    for (auto _ : state) {
      if (!one()) return fail(state, make_error("observe", "observe failed"));
    }
    const int64_t measured = observed - measured_from;
    state.SetItemsProcessed(measured);
    state.counters["profiles_per_s"] =
        benchmark::Counter(static_cast<double>(measured), benchmark::Counter::kIsRate);
    state.counters["rss_mb"] = status_mb("VmRSS");
    state.counters["peak_rss_mb"] = status_mb("VmHWM");
    state.counters["rocksdb_mb"] = static_cast<double>(store.approximate_size()) / (1 << 20);
    state.counters["common_identifiers"] = static_cast<double>(new_common);
    state.counters["cached_records"] = static_cast<double>(resolver.cached_records());
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

BENCHMARK(BM_GraphEvent)
    ->Arg(10'000)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->Iterations(kMeasuredEvents)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_EntityResolve)
    ->Arg(10'000)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->Iterations(kMeasuredEvents)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  const graph::FlowGraphConfig flows;
  const graph::PatternConfig patterns;
  const graph::ExposureConfig exposure;
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) < 0) load[0] = -1;
  std::printf(
      "graph_bench setup: %lld measured events per run after a warm-up (accounts/2, >= one "
      "window, <= 5M), checkpoint every %lld events to RocksDB (synced, in %s), generated "
      "traffic: each account pays ~weekly, 70%% to 4 fixed contacts; 1 account in 1000 "
      "flagged.\n"
      "  graph: window %lld h, %zu edges/account/direction, %zu accounts cached; detectors: "
      "fan %zu/%zu in %lld h, cycle %zu..%zu hops, scatter-gather %zu, gather-scatter %zu/%zu, "
      "pass-through %zu..%zu hops; search: branching %zu, visits %zu; exposure: %zu hops, "
      "fanout %zu, visits %zu.\n"
      "  machine: %u hardware threads, load average %.2f %.2f %.2f at start.\n",
      static_cast<long long>(kMeasuredEvents), static_cast<long long>(kCheckpointEvery),
      std::filesystem::temp_directory_path().c_str(),
      static_cast<long long>(flows.window_ms / 3'600'000), flows.max_edges_per_node,
      flows.max_cached_nodes, patterns.fan_in_min_senders, patterns.fan_out_min_receivers,
      static_cast<long long>(patterns.fan_window_ms / 3'600'000), patterns.cycle_min_hops,
      patterns.cycle_max_hops, patterns.scatter_gather_min_intermediates,
      patterns.gather_scatter_min_senders, patterns.gather_scatter_min_receivers,
      patterns.pass_through_min_hops, patterns.pass_through_max_hops, patterns.max_branching,
      patterns.max_visits, exposure.max_hops, exposure.max_fanout, exposure.max_visits,
      std::thread::hardware_concurrency(), load[0], load[1], load[2]);
  std::fflush(stdout);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
