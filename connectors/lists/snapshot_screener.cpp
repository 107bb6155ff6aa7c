#include "connectors/lists/snapshot_screener.hpp"

namespace nexus::lists {

Result<std::unique_ptr<SnapshotScreener>> SnapshotScreener::create(
    std::shared_ptr<const ListsSnapshot> snapshot, screening::ScreeningConfig config) {
  NEXUS_TRY(screener, screening::NameScreener::create(snapshot->index, config));
  return std::unique_ptr<SnapshotScreener>(
      new SnapshotScreener(std::move(snapshot), std::move(screener)));
}

SnapshotScreener::SnapshotScreener(std::shared_ptr<const ListsSnapshot> snapshot,
                                   std::unique_ptr<screening::NameScreener> screener)
    : snapshot_(std::move(snapshot)), screener_(std::move(screener)) {}

std::vector<engine::ScreeningHit> SnapshotScreener::screen(const nexus::v1::Party& party) {
  std::vector<engine::ScreeningHit> hits = screener_->screen(party);
  for (auto& hit : hits) {
    // A handful of lists: a scan beats a map.
    if (const ListVersion* version = snapshot_->find(hit.list)) {
      hit.list_version = version->version;
      hit.list_source_version = version->source_version;
    }
  }
  return hits;
}

void SnapshotScreener::adopt(std::shared_ptr<const ListsSnapshot> snapshot) {
  screener_->set_index(snapshot->index);
  snapshot_ = std::move(snapshot);
}

}  // namespace nexus::lists
