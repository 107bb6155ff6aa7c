// Rescreen: when a sanctions list changes, every party the engine has seen (its
// PartyIndex, "p/" in the state store) is screened again, and a match with an entry the
// change added or changed raises a SANCTIONS-RETRO-HIT alert: the party paid or was paid
// before the designation, and nothing in the stream will say so until it pays again.
//
//   NEXUS_TRY(delta, lists::list_delta(*before, *after));
//   NEXUS_TRY(report, lists::rescreen(store, *before, *after, delta, as_of_ms, config));
//   for (const auto& alert : report.alerts) sink.publish(alert);
//   NEXUS_TRY(store.write(report.marks));   // after the alerts are out
//
// The matching is the stream's own (SnapshotScreener over the new snapshot, the same
// operating threshold and the same corroboration of common names), restricted to the
// changed entries: a party matches only what a payment of it would match now. A party that
// already matched a changed entry before the change (under the old snapshot) has had its
// alert from the stream; it is counted as known, not alerted again.
//
// Determinism: the alert id hashes the rule, the list, the entry and the account, and the
// alert's content depends only on the stored records, the two snapshots and `as_of_ms`. A
// raised id is marked in the store ("r/<list>/<reference>/<account>"), so a second run over
// the same change (a re-import, a restart) raises nothing new. Removed entries are
// reported as delistings with the parties that had a retro-hit on them, never alerted.
//
// Cost: one screening per stored name, against the whole new index; a party whose name has
// no candidate among the changed entries costs only that. Runs on the caller's thread.
#pragma once

#include "connectors/lists/lists_snapshot.hpp"
#include "engine/screening/screening_config.hpp"
#include "engine/state_store.hpp"
#include "nexus/v1/alert.pb.h"

#include "base/result.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nexus::lists {

inline constexpr char kRetroHitRule[] = "SANCTIONS-RETRO-HIT";
inline constexpr uint32_t kRetroHitRuleVersion = 1;

/// One entry a change removed, as the old snapshot had it.
struct Delisting {
  std::string list;
  std::string reference;
  std::string name;                   // its primary name
  uint32_t version = 0;               // the version that no longer has it
  std::vector<std::string> accounts;  // parties that had a retro-hit on it, sorted
};

/// What changed between two snapshots, entry by entry.
struct ListDelta {
  std::vector<ListChange> changes;  // per list (diff_snapshots)
  /// (list, reference) of each entry added or changed, and what changed ("added", or the
  /// fields: "names", "dates_of_birth", ...).
  std::vector<std::pair<std::pair<std::string, std::string>, std::string>> entries;
  std::vector<Delisting> delistings;
  bool empty() const { return entries.empty() && delistings.empty(); }
};

/// Entry-level delta of every list whose version differs. Pure; cost O(n log n) in the
/// entries of the changed lists.
ListDelta list_delta(const ListsSnapshot& before, const ListsSnapshot& after);

struct RescreenConfig {
  /// Payments cited: those within this span before `as_of_ms`; a party with none in it is
  /// counted (outside_lookback), not alerted. Default: 365 days.
  int64_t lookback_ms = 365LL * 86'400'000;
  /// Payments cited per alert at most (the newest). Default: 50.
  std::size_t max_transactions = 50;
  /// A name is screened against the whole new index only when the changed entries, indexed
  /// apart, give it a candidate scoring this much by name alone. A hit needs 0.88 with at
  /// most 0.28 of bonuses (exact date of birth 0.06, country 0.02, identifier 0.20), so a
  /// name scoring under 0.60 cannot hit; 0.55 leaves room (a test on the real UN change
  /// compares with the prefilter off). 0: off, every name against the whole index.
  double prefilter_min_score = 0.55;
  /// Ruleset hash stamped on the alerts (the running engine's), "" offline.
  std::string ruleset_hash;
};

struct RescreenReport {
  std::size_t parties = 0;               // records read
  std::size_t names = 0;                 // names screened (a party may have several)
  std::size_t sieved = 0;                // of those, passed by the prefilter to full screening
  std::size_t hits = 0;                  // (party, changed entry) matches
  std::size_t already_raised = 0;        // of those, marked raised by an earlier run
  std::size_t known_before = 0;          // matched the entry's previous version already
  std::size_t outside_lookback = 0;      // no payment within the look-back
  double seconds = 0;                    // wall time of the screening (a report, never an input)
  std::vector<nexus::v1::Alert> alerts;  // by id
  std::vector<Delisting> delistings;     // with their accounts filled in
  engine::StateBatch marks;              // write after the alerts are published
};

/// Screens every stored party against the entries `delta` names. Errors: state I/O, a
/// stored record that does not decode ("state_corrupt"), "icu".
Result<RescreenReport> rescreen(engine::StateStore& store,
                                const std::shared_ptr<const ListsSnapshot>& before,
                                const std::shared_ptr<const ListsSnapshot>& after,
                                const ListDelta& delta, int64_t as_of_ms,
                                const RescreenConfig& config = {},
                                const screening::ScreeningConfig& screening = {});

/// The list versions a state's parties were last screened with ("l/<list>" keys, written by
/// record_screened), empty when it never recorded any. Errors: state I/O, "state_corrupt".
Result<std::map<std::string, uint32_t>> screened_versions(engine::StateStore& store);

/// Adds to `batch` that the parties are now screened with `snapshot`'s versions (and
/// erases lists of `previous` it no longer has).
void record_screened(const ListsSnapshot& snapshot, const std::map<std::string, uint32_t>& previous,
                     engine::StateBatch* batch);

/// The key a raised retro-hit is marked under.
std::string retro_hit_mark(std::string_view list, std::string_view reference,
                           std::string_view account);

/// The deterministic id of the retro-hit of `account` on an entry.
std::string retro_hit_id(std::string_view list, std::string_view reference,
                         std::string_view account);

}  // namespace nexus::lists
