// Re-screening of the parties seen, from the commands' side: `nexus run` and `nexus demo`
// after a live list reload and at start (a list imported while the engine was down), and
// `nexus lists rescreen` offline over a state directory. The matching and the alert are
// connectors/lists/rescreen.hpp; this publishes the alerts, then records what was raised
// and which list versions the parties are now screened with, and says what it did.
#pragma once

#include "connectors/lists/rescreen.hpp"
#include "engine/engine.hpp"
#include "engine/sinks.hpp"
#include "engine/state_store.hpp"

#include "base/result.hpp"
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>

namespace nexus::app {

/// The latest checkpointed watermark over the input partitions ("m/<topic>/<partition>"), 0
/// when none: the "now" of a state that is not running. "state_corrupt" for one that is
/// not a number.
Result<int64_t> stored_watermark(engine::StateStore& store);

/// Screens the parties in `store` for `before` -> `after`, publishes the retro-hits on
/// `alerts` and flushes it, then writes the raised marks and `after`'s versions as the ones
/// screened with (unless `dry_run`). Errors: state I/O, a corrupt record, the sink.
Result<lists::RescreenReport> rescreen_and_publish(
    engine::StateStore& store, engine::AlertSink& alerts,
    const std::shared_ptr<const lists::ListsSnapshot>& before,
    const std::shared_ptr<const lists::ListsSnapshot>& after, const lists::ListDelta& delta,
    int64_t as_of_ms, const lists::RescreenConfig& config, bool dry_run = false);

/// The facts of one re-screening: the changes, the counts, the delistings (for the log,
/// the events topic's engine.lists_rescreened and `--json`).
nlohmann::json rescreen_facts(const lists::ListDelta& delta, const lists::RescreenReport& report,
                              int64_t as_of_ms);

/// A running engine's re-screening after its screener adopted `after` in place of
/// `before`: checkpoints first (so every party seen is in the store), then as above, with
/// the engine's watermark as the "now" of the look-back; counts it in the engine's
/// metrics and logs it. Returns its facts (rescreen_facts). Engine thread.
Result<nlohmann::json> rescreen_engine(engine::Engine& engine, engine::StateStore& store,
                                       engine::AlertSink& alerts,
                                       const std::shared_ptr<const lists::ListsSnapshot>& before,
                                       const std::shared_ptr<const lists::ListsSnapshot>& after);

/// At start: when the state's parties were last screened with other list versions than
/// `live` (a list imported while the engine was down), re-screens them for that change;
/// a state that never recorded its versions records `live`'s. Returns the report when it
/// re-screened. A version no longer in the lists directory: logged, `live` recorded.
Result<std::optional<nlohmann::json>> rescreen_at_start(
    engine::Engine& engine, engine::StateStore& store, engine::AlertSink& alerts,
    const std::shared_ptr<const lists::ListsSnapshot>& live);

}  // namespace nexus::app
