// EntityResolver: accounts linked by shared identifiers (phone, email, address,
// device, national id) form clusters, kept incrementally as a union-find whose
// records persist through the StateStore.
//
// Cluster id: the smallest account id (byte order) in the cluster, which is also
// the union-find root, so it does not depend on the order accounts arrived in.
//
// Guard against common identifiers: an identifier links at most
// `max_accounts_per_identifier` accounts (default 20). The account after that
// marks it common: it links nothing more from then on and is reported in
// LinkOutcome::new_common. The accounts it linked before stay linked (a
// union-find cannot split); identifiers known in advance to be shared (a bank's
// own address, an office switchboard) go in `stop_identifiers` and never link.
//
// State: records live in memory and read through to the store on a miss;
// collect_dirty() adds every changed record to the checkpoint batch, so a
// restart on the same store resumes the same clusters. Keys: "g/a/<account>"
// (parent, and at a root the cluster aggregates), "g/i/<kind>:<value>" (the
// accounts an identifier linked, or its common mark).
//
// Threading: one thread (the engine's). Cost per observe(): O(identifiers x
// union-find depth) record lookups (path compression keeps depth small) plus
// merging two clusters' capped name and member lists.
#pragma once

#include "engine/graph/identifier.hpp"
#include "engine/state_store.hpp"

#include "base/result.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::graph {

struct EntityResolverConfig {
  /// An identifier links at most this many accounts; the next one marks it common and it
  /// links nothing more. Default: 20.
  size_t max_accounts_per_identifier = 20;
  /// Normalised identifiers ("address:1 MAIN ST ...", see normalize_identifier) that never
  /// link: known shared identifiers. Default: none.
  std::vector<std::string> stop_identifiers;
  /// Distinct names kept per cluster (the smallest, byte order); more set
  /// `names_truncated`. Default: 32.
  size_t max_names_per_cluster = 32;
  /// Members listed per cluster (the smallest ids); `size` counts all. Default: 64.
  size_t max_listed_members = 64;
  /// Account records, and separately identifier records, kept in memory before clean ones
  /// are evicted at a checkpoint. Default: 2,000,000 each.
  size_t max_cached_records = 2'000'000;
};

struct Identifier {
  IdentifierKind kind = IdentifierKind::kPhone;
  std::string value;  // as received; normalised by the resolver
};

/// What is known of an account at one moment (onboarding, profile change, or the party
/// block of a transaction).
struct AccountProfile {
  std::string account;
  std::string name;  // may be empty
  std::vector<Identifier> identifiers;
};

struct ClusterView {
  std::string id;  // the smallest member account id
  uint64_t size = 1;
  std::vector<std::string> names;  // distinct normalised names, sorted, capped
  bool names_truncated = false;
  std::vector<std::string> members;  // the smallest member ids, sorted, capped
  bool members_truncated = false;

  size_t distinct_names() const { return names.size(); }
  friend bool operator==(const ClusterView&, const ClusterView&) = default;
};

struct LinkOutcome {
  std::string cluster_id;  // the account's cluster after the call
  /// Clusters merged into `cluster_id` by this call (their former ids), sorted.
  std::vector<std::string> merged;
  /// Identifiers this call pushed over the limit: from now on common, linking nothing.
  std::vector<std::string> new_common;
  /// The profile's identifiers that did not link because they are common or stopped.
  std::vector<std::string> skipped_common;
  /// The profile's identifiers that normalised to nothing (unusable).
  size_t unusable = 0;
};

struct IdentifierView {
  std::string key;                    // "<kind>:<normalised value>"
  std::vector<std::string> accounts;  // the accounts it linked, sorted (at most the limit)
  bool common = false;
  bool stopped = false;  // listed in stop_identifiers
};

class EntityResolver {
 public:
  /// `store` must outlive the resolver.
  EntityResolver(engine::StateStore& store, EntityResolverConfig config);
  ~EntityResolver();
  EntityResolver(const EntityResolver&) = delete;
  EntityResolver& operator=(const EntityResolver&) = delete;

  /// Records the profile: the account joins the cluster of every account sharing one of
  /// its usable, non-common identifiers, and its name joins the cluster's names.
  /// Identifiers are processed in normalised-key order, so the outcome does not depend
  /// on their order in `profile`. Errors: store I/O only.
  Result<LinkOutcome> observe(const AccountProfile& profile);

  /// The account's cluster; an account never observed is a cluster of one. Like every
  /// find, it compresses the union-find path, so records may become dirty.
  Result<ClusterView> cluster(std::string_view account);
  /// Just the cluster id (cheaper than cluster()).
  Result<std::string> cluster_id(std::string_view account);
  /// What the resolver knows of one identifier.
  Result<IdentifierView> identifier(IdentifierKind kind, std::string_view raw);

  /// Adds every changed record to `batch` and marks it clean.
  void collect_dirty(engine::StateBatch* batch);
  /// Evicts clean records beyond the cache size (call after the batch is written).
  void evict();
  size_t cached_records() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nexus::graph
