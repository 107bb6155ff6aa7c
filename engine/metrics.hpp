// Metrics: the engine's counters, rendered in Prometheus text format. Written
// by the engine thread, read by any thread (the metrics endpoint, the demo's
// progress line): counters are relaxed atomics, labelled maps take a mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace nexus::engine {

class Metrics {
 public:
  std::atomic<uint64_t> records_in{0};        // records handed to the engine
  std::atomic<uint64_t> events_processed{0};  // valid events that reached the rules
  std::atomic<uint64_t> alerts{0};            // live alerts: what reaches the analysts' queue
  std::atomic<uint64_t> shadow_alerts{0};     // alerts of shadow rules (never in the queue)
  std::atomic<uint64_t> alerts_suppressed{0};
  std::atomic<uint64_t> dead_letters{0};
  std::atomic<uint64_t> watermark_resets{0};  // a lone mis-dated first record was outrun
  std::atomic<uint64_t> duplicates{0};        // redelivered events already in their windows
  std::atomic<uint64_t> checkpoints{0};
  std::atomic<uint64_t> state_misses{0};
  std::atomic<uint64_t> cached_windows{0};
  std::atomic<int64_t> watermark_ms{0};
  // Re-screening of the parties seen when the lists change (connectors/lists/rescreen.hpp).
  std::atomic<uint64_t> rescreens{0};           // runs
  std::atomic<uint64_t> rescreened_parties{0};  // party records screened again
  std::atomic<uint64_t> retro_hits{0};          // SANCTIONS-RETRO-HIT alerts published
  std::atomic<uint64_t> last_rescreen_ms{0};    // wall time of the last run

  void count_dead_letter(const std::string& reason);
  /// Per-rule counts, labelled with the rule's mode ("live" or "shadow"): a rule promoted by
  /// a reload starts a series of its own.
  void count_rule(const std::string& rule_id, const std::string& mode, uint64_t evaluations,
                  uint64_t hits, double seconds);
  void count_reload(bool ok);
  void set_rules_info(const std::string& content_hash, size_t rule_count);

  /// One sanctions list as it screens now (for nexus_list_info / nexus_list_entries).
  struct ListInfo {
    std::string list;
    uint32_t version = 0;        // snapshot number in the lists data directory
    std::string source_version;  // the publisher's version, "" when none
    size_t entries = 0;
  };
  /// The lists now screening and when they were loaded (wall clock, seconds since 1970: the
  /// time of a process event, never an input to the rules). Turns the list metrics on.
  void set_lists_info(std::vector<ListInfo> lists, int64_t loaded_at_s);
  /// A list reload adopted (ok) or refused.
  void count_list_reload(bool ok);

  std::map<std::string, uint64_t> dead_letters_by_reason() const;
  struct RuleStats {
    uint64_t evaluations = 0;
    uint64_t hits = 0;
    double seconds = 0;         // estimated from a 1-in-64 sample of evaluations
    std::string mode = "live";  // the mode it was last counted in
  };
  /// By rule id, summed over the modes it ran in.
  std::map<std::string, RuleStats> rules() const;
  std::string prometheus() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t> dead_letter_reasons_;
  std::map<std::pair<std::string, std::string>, RuleStats> rules_;  // by (rule id, mode)
  std::string rules_hash_;
  size_t rule_count_ = 0;
  uint64_t reloads_ok_ = 0;
  uint64_t reloads_failed_ = 0;
  bool screening_ = false;
  std::vector<ListInfo> lists_;
  int64_t lists_loaded_at_s_ = 0;
  uint64_t list_reloads_ok_ = 0;
  uint64_t list_reloads_refused_ = 0;
};

}  // namespace nexus::engine
