#include "connectors/lists/index_loader.hpp"

#include "connectors/lists/list_store.hpp"

namespace nexus::lists {

Result<std::shared_ptr<const screening::ScreeningIndex>> load_screening_index(
    const std::string& data_dir) {
  ListStore store(data_dir);
  NEXUS_TRY(entries, store.load_current());
  if (entries.empty()) {
    return make_error("empty", "no lists in " + data_dir +
                                   "; run: nexus lists import FILE... --data-dir " + data_dir);
  }
  NEXUS_TRY(normalizer, screening::NameNormalizer::create());
  return std::shared_ptr<const screening::ScreeningIndex>(
      screening::ScreeningIndex::build(std::move(entries), normalizer));
}

}  // namespace nexus::lists
