// Replays an evidence package: compiles the bundled rules (their hash must be the
// manifest's), runs the deterministic engine over the bundled transactions in the order the
// engine first read them, and compares each bundled alert with what the replay raised: the
// same id, and the same evidence values (observed values, thresholds, windows, transaction
// ids, sanctions hits). Some alerts rest on state the bundle cannot hold in full (a
// sanctions list, the money-flow network, a flag raised by an alert outside it, a window
// capped to a sample); those that do not come out the same are named with that reason
// instead of as a difference. Pure: no files, no clock; one thread.
#pragma once

#include "engine/screener.hpp"

#include "base/result.hpp"
#include "desk/evidence_package.hpp"

#include <string>
#include <vector>

namespace nexus::desk {

enum class ReplayOutcome {
  kReproduced,    // raised again with the same evidence
  kDiffers,       // reproducible from the bundle, but not raised, or raised differently
  kNeedsOutside,  // not raised the same, and it rests on state outside the bundle
};

struct AlertReplay {
  std::string alert_id;
  std::string rule_id;
  ReplayOutcome outcome = ReplayOutcome::kReproduced;
  std::vector<std::string> differences;  // "evidence X: observed 12400.00 bundled, ..."
  std::vector<std::string> needs;        // why the bundle alone cannot reproduce it
};

struct EvidenceReplay {
  std::string ruleset_hash;  // of the bundled rules, equal to the manifest's
  size_t rules = 0;
  size_t transactions = 0;
  size_t dead_letters = 0;          // bundled transactions the engine refused
  size_t alerts_raised = 0;         // by the replay, the case's or not
  std::vector<AlertReplay> alerts;  // one per bundled alert, in the bundle's order
  size_t count(ReplayOutcome outcome) const;
};

/// Errors: "rules" (the bundled rules do not compile), "ruleset" (their hash is not the
/// manifest's), "state" (the in-memory engine failed). `screener`: screen parties as the
/// original run did (null: no screening; sanctions alerts then need the lists).
Result<EvidenceReplay> replay_evidence(const EvidenceBundle& bundle,
                                       engine::Screener* screener = nullptr);

}  // namespace nexus::desk
