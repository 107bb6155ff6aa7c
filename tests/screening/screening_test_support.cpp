#include "tests/screening/screening_test_support.hpp"

#include <gtest/gtest.h>

namespace nexus::screening::testing {

ListEntry one_name_entry(std::string list, std::string reference, EntryType type,
                         std::string name) {
  ListEntry e;
  e.list = std::move(list);
  e.reference = std::move(reference);
  e.type = type;
  e.names.push_back(ListedName{std::move(name), NameKind::kPrimary, AliasStrength::kStrong});
  return e;
}

std::unique_ptr<NameScreener> screener_with_cjk_readings(std::vector<ListEntry> entries,
                                                         bool readings) {
  auto normalizer = NameNormalizer::create().value();
  IndexLimits limits;
  limits.cjk_readings = readings;
  std::shared_ptr<const ScreeningIndex> index =
      ScreeningIndex::build(std::move(entries), normalizer, limits);
  EXPECT_EQ(index->cjk_status(), "") << "apt-get install libhangul-data";
  ScreeningConfig config;
  config.cjk_readings = readings;
  return std::move(NameScreener::create(std::move(index), config).value());
}

}  // namespace nexus::screening::testing
