#include "engine/metrics.hpp"

#include <cstdio>

namespace nexus::engine {

void Metrics::count_dead_letter(const std::string& reason) {
  dead_letters.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  ++dead_letter_reasons_[reason];
}

void Metrics::count_rule(const std::string& rule_id, const std::string& mode, uint64_t evaluations,
                         uint64_t hits, double seconds) {
  std::lock_guard lock(mutex_);
  auto& entry = rules_[{rule_id, mode}];
  entry.mode = mode;
  entry.evaluations += evaluations;
  entry.hits += hits;
  entry.seconds += seconds;
}

void Metrics::count_reload(bool ok) {
  std::lock_guard lock(mutex_);
  ++(ok ? reloads_ok_ : reloads_failed_);
}

void Metrics::set_rules_info(const std::string& content_hash, size_t rule_count) {
  std::lock_guard lock(mutex_);
  rules_hash_ = content_hash;
  rule_count_ = rule_count;
}

void Metrics::set_lists_info(std::vector<ListInfo> lists, int64_t loaded_at_s) {
  std::lock_guard lock(mutex_);
  screening_ = true;
  lists_ = std::move(lists);
  lists_loaded_at_s_ = loaded_at_s;
}

void Metrics::count_list_reload(bool ok) {
  std::lock_guard lock(mutex_);
  ++(ok ? list_reloads_ok_ : list_reloads_refused_);
}

namespace {
// A Prometheus label value: backslash, double quote and newline escaped (list names come from
// directory names, publisher versions from the files).
std::string label(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out;
}
}  // namespace

std::map<std::string, uint64_t> Metrics::dead_letters_by_reason() const {
  std::lock_guard lock(mutex_);
  return dead_letter_reasons_;
}

std::map<std::string, Metrics::RuleStats> Metrics::rules() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, RuleStats> out;
  for (const auto& [key, stats] : rules_) {
    auto& entry = out[key.first];
    entry.evaluations += stats.evaluations;
    entry.hits += stats.hits;
    entry.seconds += stats.seconds;
    entry.mode = stats.mode;
  }
  return out;
}

std::string Metrics::prometheus() const {
  std::string out;
  auto counter = [&out](const char* name, const char* help, uint64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
           " " + std::to_string(value) + "\n";
  };
  counter("nexus_records_in_total", "Input records handed to the engine.", records_in.load());
  counter("nexus_events_processed_total", "Valid events evaluated by the rules.",
          events_processed.load());
  counter("nexus_alerts_total", "Alerts published (live rules: the analysts' queue).",
          alerts.load());
  counter("nexus_shadow_alerts_total",
          "Alerts of shadow rules, published to the shadow output only.", shadow_alerts.load());
  counter("nexus_alerts_suppressed_total", "Rule firings suppressed by a rule's suppress window.",
          alerts_suppressed.load());
  counter("nexus_checkpoints_total", "Checkpoints committed.", checkpoints.load());
  counter("nexus_duplicate_events_total",
          "Redelivered events (a known transaction id with the same content).", duplicates.load());
  counter("nexus_watermark_resets_total",
          "Partitions whose first record was mis-dated far ahead and outrun by the next.",
          watermark_resets.load());
  counter("nexus_state_misses_total", "Window reads that went to the state store.",
          state_misses.load());
  out += "# HELP nexus_cached_windows Windows held in memory.\n# TYPE nexus_cached_windows gauge\n";
  out += "nexus_cached_windows " + std::to_string(cached_windows.load()) + "\n";
  out += "# HELP nexus_watermark_ms Highest event time seen (ms since epoch).\n";
  out += "# TYPE nexus_watermark_ms gauge\nnexus_watermark_ms " +
         std::to_string(watermark_ms.load()) + "\n";
  std::lock_guard lock(mutex_);
  out += "# HELP nexus_rules_info The live rule set: content hash and number of rules.\n";
  out += "# TYPE nexus_rules_info gauge\nnexus_rules_info{hash=\"" + rules_hash_ + "\",rules=\"" +
         std::to_string(rule_count_) + "\"} 1\n";
  out += "# HELP nexus_rule_reloads_total Hot reloads of the rule directory, by result.\n";
  out += "# TYPE nexus_rule_reloads_total counter\n";
  out += "nexus_rule_reloads_total{result=\"ok\"} " + std::to_string(reloads_ok_) + "\n";
  out += "nexus_rule_reloads_total{result=\"refused\"} " + std::to_string(reloads_failed_) + "\n";
  if (screening_) {
    out +=
        "# HELP nexus_list_info The sanctions lists screening now: snapshot version in the "
        "lists data directory and the publisher's version.\n# TYPE nexus_list_info gauge\n";
    for (const auto& list : lists_) {
      out += "nexus_list_info{list=\"" + label(list.list) + "\",version=\"" +
             std::to_string(list.version) + "\",source_version=\"" + label(list.source_version) +
             "\"} 1\n";
    }
    out += "# HELP nexus_list_entries Entries of each list screening now.\n";
    out += "# TYPE nexus_list_entries gauge\n";
    for (const auto& list : lists_) {
      out += "nexus_list_entries{list=\"" + label(list.list) + "\"} " +
             std::to_string(list.entries) + "\n";
    }
    out +=
        "# HELP nexus_lists_last_reload_timestamp_seconds When the lists screening now were "
        "loaded (at start or by the last reload), seconds since 1970.\n";
    out += "# TYPE nexus_lists_last_reload_timestamp_seconds gauge\n";
    out += "nexus_lists_last_reload_timestamp_seconds " + std::to_string(lists_loaded_at_s_) + "\n";
    out += "# HELP nexus_list_reloads_total Reloads of the lists data directory, by result.\n";
    out += "# TYPE nexus_list_reloads_total counter\n";
    out += "nexus_list_reloads_total{result=\"ok\"} " + std::to_string(list_reloads_ok_) + "\n";
    out += "nexus_list_reloads_total{result=\"refused\"} " + std::to_string(list_reloads_refused_) +
           "\n";
    out += "# HELP nexus_rescreens_total Re-screenings of the parties seen, after a list change.\n";
    out += "# TYPE nexus_rescreens_total counter\n";
    out += "nexus_rescreens_total " + std::to_string(rescreens.load()) + "\n";
    out += "# HELP nexus_rescreened_parties_total Party records screened again by them.\n";
    out += "# TYPE nexus_rescreened_parties_total counter\n";
    out += "nexus_rescreened_parties_total " + std::to_string(rescreened_parties.load()) + "\n";
    out += "# HELP nexus_retro_hits_total SANCTIONS-RETRO-HIT alerts they published.\n";
    out += "# TYPE nexus_retro_hits_total counter\n";
    out += "nexus_retro_hits_total " + std::to_string(retro_hits.load()) + "\n";
    out += "# HELP nexus_last_rescreen_seconds How long the last re-screening took (wall time).\n";
    out += "# TYPE nexus_last_rescreen_seconds gauge\n";
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3f",
                  static_cast<double>(last_rescreen_ms.load()) / 1000.0);
    out += "nexus_last_rescreen_seconds " + std::string(seconds) + "\n";
  }
  out += "# HELP nexus_dead_letters_total Records refused, by reason.\n";
  out += "# TYPE nexus_dead_letters_total counter\n";
  for (const auto& [reason, count] : dead_letter_reasons_) {
    out += "nexus_dead_letters_total{reason=\"" + reason + "\"} " + std::to_string(count) + "\n";
  }
  // One series per rule and mode, so shadow rules read side by side with live ones.
  auto rule_labels = [](const std::pair<std::string, std::string>& key) {
    return "{rule=\"" + key.first + "\",mode=\"" + key.second + "\"} ";
  };
  out += "# HELP nexus_rule_evaluations_total Rule conditions evaluated.\n";
  out += "# TYPE nexus_rule_evaluations_total counter\n";
  for (const auto& [key, counts] : rules_) {
    out += "nexus_rule_evaluations_total" + rule_labels(key) + std::to_string(counts.evaluations) +
           "\n";
  }
  out += "# HELP nexus_rule_hits_total Rule conditions that held.\n";
  out += "# TYPE nexus_rule_hits_total counter\n";
  for (const auto& [key, counts] : rules_) {
    out += "nexus_rule_hits_total" + rule_labels(key) + std::to_string(counts.hits) + "\n";
  }
  out += "# HELP nexus_rule_seconds_total Time spent evaluating each rule's condition ";
  out += "(estimated from 1 event in 64).\n# TYPE nexus_rule_seconds_total counter\n";
  for (const auto& [key, counts] : rules_) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.6f", counts.seconds);
    out += "nexus_rule_seconds_total" + rule_labels(key) + seconds + "\n";
  }
  return out;
}

}  // namespace nexus::engine
