// Engine: the per-event pipeline. decode -> validate -> enrich (FX, screening)
// -> update windows -> evaluate rules -> publish alerts; refused records go to
// the dead-letter sink with a reason. Checkpoints write dirty state and the
// next input offsets in one StateStore batch, after the sinks have flushed,
// so a crash loses nothing and a restart reproduces the same alert ids.
//
// Lifecycle: construct with a rule set, call start() to load offsets, then
// process() records in order and checkpoint() now and then. Threading: one
// thread calls everything except metrics(), which any thread may read.
#pragma once

#include "engine/csv_mapping.hpp"
#include "engine/evaluator.hpp"
#include "engine/flag_store.hpp"
#include "engine/fx_table.hpp"
#include "engine/metrics.hpp"
#include "engine/party_index.hpp"
#include "engine/screener.hpp"
#include "engine/seen_transactions.hpp"
#include "engine/sinks.hpp"
#include "engine/state_store.hpp"
#include "engine/transaction_decoder.hpp"
#include "engine/validator.hpp"
#include "engine/window_store.hpp"
#include "rules/rule_set.hpp"

#include "base/result.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace nexus::engine {

struct EngineConfig {
  /// Events later than this behind their partition's watermark are dead-lettered
  /// ("late_event") instead of changing windows. Default: 1 hour.
  int64_t allowed_lateness_ms = 3'600'000;
  /// Events more than this ahead of their partition's watermark are dead-lettered
  /// ("future_event") and do not move it: one mis-dated record (2099-12-31) must not make
  /// every later payment late. Payment streams run close to their clocks, and sorted
  /// history rarely pauses a week; raise it for sparser history. Default: 7 days.
  int64_t max_future_ms = 7 * 86'400'000LL;
  /// How long (event time) a transaction id's content fingerprint is remembered, so a
  /// second record with the id and other content is dead-lettered ("conflicting_duplicate")
  /// instead of sharing the first one's alert ids. 0 turns it off. Default: 24 hours
  /// (about 64 bytes per id in that span).
  int64_t duplicate_horizon_ms = 86'400'000;
  /// In-memory window cache and per-key caps (see WindowStore). Defaults there.
  WindowStoreConfig windows;
  /// String field limits for validation.
  FieldLimits limits;
  /// The parties remembered for re-screening (see PartyIndex). Defaults there.
  PartyIndexConfig parties;
};

/// One input record and where it came from (topic/partition/offset for Kafka;
/// file name, partition 0 and the record's ordinal for files).
struct InputRecord {
  std::string_view bytes;
  InputFormat format = InputFormat::kProtobuf;
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
};

/// The network's configuration from a rule set's `- network:` settings (defaults otherwise).
graph::NetworkConfig network_config(const rules::RuleSet& rules);

class Engine {
 public:
  /// `rules` is shared with whoever may swap it (hot reload); `screener` may be null.
  Engine(std::shared_ptr<const rules::RuleSet> rules, FxTable fx, StateStore& store,
         AlertSink& alerts, DeadLetterSink& dead_letters, Screener* screener,
         EngineConfig config = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// The offset to resume from for a partition: one past the last record of the
  /// last checkpoint, or nullopt when the engine never committed it.
  Result<std::optional<int64_t>> committed_offset(std::string_view topic, int32_t partition);

  /// Runs one record through the pipeline. Bad input never fails this call (it is
  /// dead-lettered); an error means state I/O failed and the caller must stop.
  Result<void> process(const InputRecord& record);

  /// Flushes the sinks, then writes dirty windows, suppression marks, watermarks
  /// and the next offsets in one batch.
  Result<void> checkpoint();

  /// Swaps in a new rule set between events. Windows of aggregates whose definition
  /// changed start empty; unchanged ones carry on.
  void set_rules(std::shared_ptr<const rules::RuleSet> rules);
  const rules::RuleSet& rules() const { return *rules_; }
  /// Counts a hot-reload attempt in the metrics (the reloader compiles; the engine swaps).
  void note_reload(bool ok) { metrics_.count_reload(ok); }

  const Metrics& metrics() const { return metrics_; }
  /// For the app's list reloader, which records the lists it adopts (Metrics locks itself).
  Metrics& metrics() { return metrics_; }

  /// Live streams only (`nexus run`, the demo): events later than `epoch_ms` (the wall
  /// clock plus a margin, set by the caller before each record) are dead-lettered as
  /// "future_event", whatever the watermark says. 0, the default, turns it off, as
  /// replay and backtest need: there the engine sees event time only.
  void set_latest_plausible_time(int64_t epoch_ms) { latest_plausible_ms_ = epoch_ms; }

  /// Where alerts of shadow rules (`mode: shadow`) go; they never reach the alert sink. Not
  /// owned; set before the first record. Null (the default): they are counted in
  /// Metrics::shadow_alerts and dropped.
  void set_shadow_sink(AlertSink* sink) { shadow_alerts_ = sink; }

  /// Reads InputFormat::kCsv records through `mapping` (bound to its header). Before start.
  void set_csv_mapping(std::shared_ptr<const CsvMapping> mapping) {
    decoder_.set_csv(std::move(mapping), &fx_);
  }

  /// Next offset per input partition as of the last checkpoint, for committing to Kafka
  /// (monitoring only: the engine resumes from its own store).
  const std::vector<std::tuple<std::string, int32_t, int64_t>>& checkpointed_offsets() const {
    return checkpointed_offsets_;
  }
  uint64_t records_since_checkpoint() const { return since_checkpoint_; }

  /// The latest event time over the input partitions (0 before any event): the "now" of
  /// the stream, which re-screening anchors its look-back to.
  int64_t watermark_ms() const;
  /// The parties seen (kept when the engine screens, i.e. has a screener), or null.
  const PartyIndex* parties() const { return parties_.get(); }

 private:
  void dead_letter(const InputRecord& record, const std::string& reason, const std::string& detail);
  Result<void> evaluate(const EnrichedEvent& event);
  Result<void> observe_network(EnrichedEvent* event);
  Result<bool> suppressed(const rules::Rule& rule, const std::string& subject, int64_t time_ms);
  void flush_rule_counts(size_t index);
  static constexpr uint64_t kTimingSample = 64;
  static std::string offset_key(std::string_view topic, int32_t partition);

  std::shared_ptr<const rules::RuleSet> rules_;
  FxTable fx_;
  StateStore& store_;
  AlertSink& alerts_;
  AlertSink* shadow_alerts_ = nullptr;  // see set_shadow_sink()
  DeadLetterSink& dead_letters_;
  Screener* screener_;
  EngineConfig config_;
  Metrics metrics_;
  TransactionDecoder decoder_;
  WindowStore windows_;
  FlagStore flags_;
  SeenTransactions seen_;
  std::unique_ptr<PartyIndex> parties_;  // with a screener only
  int64_t latest_plausible_ms_ = 0;      // see set_latest_plausible_time()
  bool seen_loaded_ = false;             // read from the store at the first event
  std::string fingerprint_buffer_;       // the decoded transaction, serialised for its fingerprint
  /// The money-flow network, created when a rule set reads it (and kept across reloads).
  std::unique_ptr<graph::Network> network_;
  graph::NetworkFacts network_facts_;
  std::unique_ptr<Evaluator> evaluator_;
  /// Flags raised while evaluating the current event, applied after all its rules ran
  /// (so no rule sees a flag raised by the same event: the order of rules does not matter).
  struct PendingFlag {
    int flag = 0;
    std::string account;
    const rules::Rule* rule = nullptr;
  };
  std::vector<PendingFlag> pending_flags_;
  nexus::v1::Transaction tx_;
  nexus::v1::Alert alert_;
  std::vector<uint64_t> slot_buffer_;
  /// Per input partition: the next offset to read and the highest event time seen.
  struct PartitionState {
    std::string topic;
    int32_t partition = 0;
    int64_t next_offset = -1;  // -1: nothing processed yet
    int64_t watermark_ms = 0;
    // Events that set or confirmed the watermark since it was established; 1 means it
    // rests on a single record, which may itself be the mis-dated one (see process()).
    uint64_t watermark_support = 0;
  };
  PartitionState& partition_state(std::string_view topic, int32_t partition);
  std::vector<PartitionState> partitions_;  // a handful: linear scan beats hashing
  struct Suppression {
    int64_t until_ms = 0;
    bool dirty = false;
  };
  std::unordered_map<std::string, Suppression> suppressions_;
  // True when the store held no suppression marks at start: marks are never dropped from
  // memory, so one not in suppressions_ does not exist and needs no store read (which
  // would also wait for a checkpoint batch in flight).
  bool suppressions_complete_ = false;
  struct RuleCounts {
    uint64_t evaluations = 0;
    uint64_t hits = 0;
    uint64_t sampled_ns = 0;  // time of the sampled evaluations
    uint64_t sampled = 0;     // how many were timed
  };
  std::vector<RuleCounts> rule_counts_;
  uint64_t evaluated_events_ = 0;  // decides which events are timed (1 in kTimingSample)
  uint64_t since_checkpoint_ = 0;
  std::vector<std::tuple<std::string, int32_t, int64_t>> checkpointed_offsets_;
};

}  // namespace nexus::engine
