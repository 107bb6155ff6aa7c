// AllowList: reviewed false positives. A monitor who has cleared "this customer
// name is not that listed entry" records it once (name, entry, reason, reviewer);
// later hits of the same normalised name on the same entry are suppressed and
// say by which record. Immutable after construction; thread-safe for reads.
#pragma once

#include "engine/screening/name_normalizer.hpp"

#include <string>
#include <unordered_map>
#include <vector>

namespace nexus::screening {

struct AllowListRecord {
  std::string name;         // the screened name as reviewed
  std::string list;         // "UN"
  std::string reference;    // "QDi.299"
  std::string reason;       // "different DOB and nationality; customer since 2009"
  std::string reviewed_by;  // "j.smith"
  std::string reviewed_on;  // ISO date
};

class AllowList {
 public:
  AllowList() = default;
  /// Normalises each record's name with normalizer (order-free form).
  AllowList(std::vector<AllowListRecord> records, NameNormalizer& normalizer);

  /// The record clearing this (normalised, sorted) query name on this entry, or null.
  const AllowListRecord* find(const std::string& sorted_query_name, const std::string& list,
                              const std::string& reference) const;
  std::size_t size() const { return records_.size(); }

 private:
  static std::string key(const std::string& sorted_name, const std::string& list,
                         const std::string& reference);
  std::vector<AllowListRecord> records_;
  std::unordered_map<std::string, std::size_t> by_key_;
};

}  // namespace nexus::screening
