// SnapshotScreener: the engine's Screener over a ListsSnapshot. Screens with a NameScreener
// and stamps every hit with the version of the list it matched (ScreeningHit::list_version,
// list_source_version), so each alert says which list screened its payment.
//
// Lifecycle: built over the snapshot loaded at start; adopt() swaps in a newer one (a list
// reload) between two events. The snapshot is shared (shared_ptr: co-owned with the reload
// that diffs the next snapshot against it on another thread). Threading: the engine thread
// only, like the NameScreener it owns.
#pragma once

#include "connectors/lists/lists_snapshot.hpp"
#include "engine/screener.hpp"
#include "engine/screening/name_screener.hpp"

#include "base/result.hpp"

#include <memory>
#include <vector>

namespace nexus::lists {

class SnapshotScreener final : public engine::Screener {
 public:
  /// Errors: "icu" (the screener's transliterator).
  static Result<std::unique_ptr<SnapshotScreener>> create(
      std::shared_ptr<const ListsSnapshot> snapshot, screening::ScreeningConfig config = {});

  std::vector<engine::ScreeningHit> screen(const nexus::v1::Party& party) override;

  /// From the next screen() on, hits come from `snapshot` (the cache is cleared). Cost:
  /// clearing the cache; the index was built by whoever loaded the snapshot.
  void adopt(std::shared_ptr<const ListsSnapshot> snapshot);
  const std::shared_ptr<const ListsSnapshot>& snapshot() const { return snapshot_; }

 private:
  SnapshotScreener(std::shared_ptr<const ListsSnapshot> snapshot,
                   std::unique_ptr<screening::NameScreener> screener);

  std::shared_ptr<const ListsSnapshot> snapshot_;
  std::unique_ptr<screening::NameScreener> screener_;
};

}  // namespace nexus::lists
