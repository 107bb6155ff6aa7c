#include "app/party_rescreen.hpp"

#include "app/common.hpp"
#include "engine/transaction_decoder.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <string>

namespace nexus::app {

Result<int64_t> stored_watermark(engine::StateStore& store) {
  NEXUS_TRY(marks, store.scan("m/"));
  int64_t latest = 0;
  for (const auto& [key, value] : marks) {
    int64_t mark = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), mark);
    if (error != std::errc() || end != value.data() + value.size()) {
      return make_error("state_corrupt",
                        "state store: the watermark under '" + key + "' is not a number");
    }
    latest = std::max(latest, mark);
  }
  return latest;
}

Result<lists::RescreenReport> rescreen_and_publish(
    engine::StateStore& store, engine::AlertSink& alerts,
    const std::shared_ptr<const lists::ListsSnapshot>& before,
    const std::shared_ptr<const lists::ListsSnapshot>& after, const lists::ListDelta& delta,
    int64_t as_of_ms, const lists::RescreenConfig& config, bool dry_run) {
  NEXUS_TRY(previous, lists::screened_versions(store));
  NEXUS_TRY(report, lists::rescreen(store, before, after, delta, as_of_ms, config));
  for (const auto& alert : report.alerts) alerts.publish(alert);
  NEXUS_TRY(alerts.flush());
  if (!dry_run) {
    // After the alerts are out: a crash in between raises them again (the same ids).
    engine::StateBatch batch = report.marks;
    lists::record_screened(*after, previous, &batch);
    NEXUS_TRY(store.write(batch));
  }
  return report;
}

nlohmann::json rescreen_facts(const lists::ListDelta& delta, const lists::RescreenReport& report,
                              int64_t as_of_ms) {
  nlohmann::json changes = nlohmann::json::object();
  for (const auto& change : delta.changes) {
    if (change.version == change.previous_version) continue;
    changes[change.list] = {{"version", change.version},
                            {"previous_version", change.previous_version},
                            {"added", change.added},
                            {"changed", change.changed},
                            {"removed", change.removed}};
  }
  nlohmann::json delistings = nlohmann::json::array();
  for (const auto& delisting : report.delistings) {
    delistings.push_back({{"list", delisting.list},
                          {"reference", delisting.reference},
                          {"name", delisting.name},
                          {"version", delisting.version},
                          {"accounts_with_retro_hits", delisting.accounts}});
  }
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& alert : report.alerts) ids.push_back(alert.id());
  return {{"lists", changes},
          {"entries_screened_for", delta.entries.size()},
          {"as_of", as_of_ms > 0 ? engine::format_rfc3339_ms(as_of_ms) : std::string()},
          {"parties", report.parties},
          {"names", report.names},
          {"hits", report.hits},
          {"alerts", report.alerts.size()},
          {"alert_ids", ids},
          {"already_raised", report.already_raised},
          {"known_before", report.known_before},
          {"outside_lookback", report.outside_lookback},
          {"delistings", delistings},
          {"seconds", report.seconds}};
}

Result<nlohmann::json> rescreen_engine(engine::Engine& engine, engine::StateStore& store,
                                       engine::AlertSink& alerts,
                                       const std::shared_ptr<const lists::ListsSnapshot>& before,
                                       const std::shared_ptr<const lists::ListsSnapshot>& after) {
  // Every party seen so far into the store (with the offsets: a crash after this resumes
  // with them there).
  NEXUS_TRY(engine.checkpoint());
  NEXUS_TRY(stored, stored_watermark(store));
  const int64_t as_of = std::max(engine.watermark_ms(), stored);
  const lists::ListDelta delta = lists::list_delta(*before, *after);
  lists::RescreenConfig config;
  config.ruleset_hash = engine.rules().content_hash;
  NEXUS_TRY(report, rescreen_and_publish(store, alerts, before, after, delta, as_of, config));
  auto& metrics = engine.metrics();
  metrics.rescreens.fetch_add(1, std::memory_order_relaxed);
  metrics.rescreened_parties.fetch_add(report.parties, std::memory_order_relaxed);
  metrics.retro_hits.fetch_add(report.alerts.size(), std::memory_order_relaxed);
  metrics.alerts.fetch_add(report.alerts.size(), std::memory_order_relaxed);
  metrics.last_rescreen_ms.store(static_cast<uint64_t>(report.seconds * 1000),
                                 std::memory_order_relaxed);
  nlohmann::json facts = rescreen_facts(delta, report, as_of);
  log_json_object("info", "parties re-screened against the changed list entries", facts);
  return facts;
}

Result<std::optional<nlohmann::json>> rescreen_at_start(
    engine::Engine& engine, engine::StateStore& store, engine::AlertSink& alerts,
    const std::shared_ptr<const lists::ListsSnapshot>& live) {
  NEXUS_TRY(recorded, lists::screened_versions(store));
  std::map<std::string, uint32_t> now;
  for (const auto& list : live->lists) now[list.list] = list.version;
  if (recorded == now) return std::optional<nlohmann::json>();
  NEXUS_TRY(any_party, store.any_with_prefix(engine::PartyIndex::kPrefix));
  if (recorded.empty() || !any_party) {
    // A new state (or one from before parties were kept): its parties, if any, were
    // screened in the stream with what it had; from now on it knows.
    engine::StateBatch batch;
    lists::record_screened(*live, recorded, &batch);
    NEXUS_TRY(store.write(batch));
    return std::optional<nlohmann::json>();
  }
  auto before = lists::load_lists_snapshot(live->data_dir, recorded);
  if (!before) {
    log_json("error",
             "the list versions this state was screened with are gone from the lists "
             "directory; its parties are not re-screened for the change (run nexus lists "
             "rescreen with --from to do it)",
             {{"lists_dir", live->data_dir}, {"error", before.error().message}});
    engine::StateBatch batch;
    lists::record_screened(*live, recorded, &batch);
    NEXUS_TRY(store.write(batch));
    return std::optional<nlohmann::json>();
  }
  NEXUS_TRY(facts, rescreen_engine(engine, store, alerts, before.value(), live));
  return std::optional<nlohmann::json>(std::move(facts));
}

}  // namespace nexus::app
