#include "connectors/lists/index_loader.hpp"

#include "connectors/lists/lists_snapshot.hpp"

namespace nexus::lists {

Result<std::shared_ptr<const screening::ScreeningIndex>> load_screening_index(
    const std::string& data_dir) {
  NEXUS_TRY(snapshot, load_lists_snapshot(data_dir));
  return snapshot->index;
}

}  // namespace nexus::lists
