#include "engine/screening/allow_list.hpp"

namespace nexus::screening {

AllowList::AllowList(std::vector<AllowListRecord> records, NameNormalizer& normalizer)
    : records_(std::move(records)) {
  for (std::size_t i = 0; i < records_.size(); ++i) {
    const auto& r = records_[i];
    by_key_.emplace(key(normalizer.normalize(r.name).sorted, r.list, r.reference), i);
  }
}

std::string AllowList::key(const std::string& sorted_name, const std::string& list,
                           const std::string& reference) {
  return sorted_name + '\x1f' + list + '\x1f' + reference;
}

const AllowListRecord* AllowList::find(const std::string& sorted_query_name,
                                       const std::string& list,
                                       const std::string& reference) const {
  if (by_key_.empty()) return nullptr;
  auto it = by_key_.find(key(sorted_query_name, list, reference));
  return it == by_key_.end() ? nullptr : &records_[it->second];
}

}  // namespace nexus::screening
