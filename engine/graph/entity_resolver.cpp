#include "engine/graph/entity_resolver.hpp"

#include "engine/graph/detail/codec.hpp"
#include "engine/graph/detail/state_cache.hpp"

#include <algorithm>
#include <iterator>

namespace nexus::graph {

namespace {

constexpr uint8_t kFormatVersion = 1;

void put_strings(detail::Writer* writer, const std::vector<std::string>& strings) {
  writer->u32(static_cast<uint32_t>(strings.size()));
  for (const auto& text : strings) writer->str(text);
}

bool get_strings(detail::Reader* reader, std::vector<std::string>* strings) {
  uint32_t count = 0;
  if (!reader->u32(&count)) return false;
  strings->resize(count);
  for (auto& text : *strings) {
    if (!reader->str(&text)) return false;
  }
  return true;
}

/// One account: its union-find parent, and at a root the cluster's aggregates.
struct AccountRecord {
  std::string parent;  // empty: this account is a root (its cluster's id)
  uint64_t size = 1;
  std::vector<std::string> names;    // sorted, distinct, capped
  std::vector<std::string> members;  // sorted, capped
  bool names_truncated = false;
  bool members_truncated = false;

  std::string serialize() const {
    std::string out;
    detail::Writer writer(&out);
    writer.u8(kFormatVersion);
    writer.str(parent);
    if (parent.empty()) {
      writer.u64(size);
      writer.u8(static_cast<uint8_t>((names_truncated ? 1 : 0) | (members_truncated ? 2 : 0)));
      put_strings(&writer, names);
      put_strings(&writer, members);
    }
    return out;
  }
  static bool deserialize(std::string_view bytes, AccountRecord* out) {
    detail::Reader reader(bytes);
    uint8_t version = 0, flags = 0;
    if (!reader.u8(&version) || version != kFormatVersion || !reader.str(&out->parent)) {
      return false;
    }
    if (out->parent.empty()) {
      if (!reader.u64(&out->size) || !reader.u8(&flags) || !get_strings(&reader, &out->names) ||
          !get_strings(&reader, &out->members)) {
        return false;
      }
      out->names_truncated = flags & 1;
      out->members_truncated = flags & 2;
    }
    return reader.done();
  }
};

/// One identifier: the accounts it linked (sorted), or its common mark.
struct IdentifierRecord {
  std::vector<std::string> accounts;
  bool common = false;

  std::string serialize() const {
    std::string out;
    detail::Writer writer(&out);
    writer.u8(kFormatVersion);
    writer.u8(common ? 1 : 0);
    put_strings(&writer, accounts);
    return out;
  }
  static bool deserialize(std::string_view bytes, IdentifierRecord* out) {
    detail::Reader reader(bytes);
    uint8_t version = 0, common = 0;
    if (!reader.u8(&version) || version != kFormatVersion || !reader.u8(&common) ||
        !get_strings(&reader, &out->accounts)) {
      return false;
    }
    out->common = common != 0;
    return reader.done();
  }
};

/// Merges two sorted distinct lists into `into`, keeping the `cap` smallest; true when
/// something was cut.
bool merge_capped(std::vector<std::string>* into, const std::vector<std::string>& from,
                  size_t cap) {
  std::vector<std::string> merged;
  merged.reserve(into->size() + from.size());
  std::set_union(into->begin(), into->end(), from.begin(), from.end(), std::back_inserter(merged));
  const bool cut = merged.size() > cap;
  if (cut) merged.resize(cap);
  *into = std::move(merged);
  return cut;
}

}  // namespace

struct EntityResolver::Impl {
  using AccountSlot = detail::StateCache<AccountRecord>::Slot;

  Impl(engine::StateStore& store, EntityResolverConfig cfg)
      : config(std::move(cfg)),
        accounts(store, "g/a/", config.max_cached_records),
        identifiers(store, "g/i/", config.max_cached_records),
        stop(config.stop_identifiers) {
    std::sort(stop.begin(), stop.end());
  }

  /// The root of `account`'s tree, compressing the path to it. A slot that is not
  /// present is an account never observed: a root of its own.
  Result<AccountSlot*> find_root(std::string_view account) {
    NEXUS_TRY(slot, accounts.get(account));
    if (!slot->present) return slot;
    std::vector<AccountSlot*> path;
    AccountSlot* current = slot;
    while (!current->value.parent.empty()) {
      NEXUS_TRY(next, accounts.get(current->value.parent));
      if (!next->present || path.size() > 1'000'000) {
        // A parent missing from the store (or a loop) cannot come from this code; a store
        // edited by hand must not stop the stream: the account becomes a cluster of one.
        current->value = AccountRecord{};
        current->value.members.push_back(*current->key);
        accounts.put(current);
        break;
      }
      path.push_back(current);
      current = next;
    }
    for (AccountSlot* node : path) {
      if (node->value.parent != *current->key) {
        node->value.parent = *current->key;
        accounts.put(node);
      }
    }
    return current;
  }

  Result<AccountSlot*> ensure_account(std::string_view account, bool* created) {
    NEXUS_TRY(slot, accounts.get(account));
    *created = !slot->present;
    if (!slot->present) {
      slot->value = AccountRecord{};
      slot->value.members.emplace_back(account);
      accounts.put(slot);
    }
    return slot;
  }

  void add_name(AccountSlot* root, const std::string& name) {
    auto& names = root->value.names;
    auto at = std::lower_bound(names.begin(), names.end(), name);
    if (at != names.end() && *at == name) return;
    names.insert(at, name);
    if (names.size() > config.max_names_per_cluster) {
      names.pop_back();
      root->value.names_truncated = true;
    }
    accounts.put(root);
  }

  /// Joins the clusters of `a` and `b` (both observed); the smaller root id wins.
  Result<void> unite(std::string_view a, std::string_view b) {
    NEXUS_TRY(root_a, find_root(a));
    NEXUS_TRY(root_b, find_root(b));
    if (root_a == root_b) return outcome::success();
    AccountSlot* winner = *root_a->key < *root_b->key ? root_a : root_b;
    AccountSlot* loser = winner == root_a ? root_b : root_a;
    AccountRecord& into = winner->value;
    AccountRecord& from = loser->value;
    into.size += from.size;
    into.names_truncated |= from.names_truncated;
    into.names_truncated |= merge_capped(&into.names, from.names, config.max_names_per_cluster);
    into.members_truncated |= from.members_truncated;
    into.members_truncated |= merge_capped(&into.members, from.members, config.max_listed_members);
    from = AccountRecord{};
    from.parent = *winner->key;
    accounts.put(winner);
    accounts.put(loser);
    return outcome::success();
  }

  bool stopped(const std::string& key) const {
    return std::binary_search(stop.begin(), stop.end(), key);
  }

  EntityResolverConfig config;
  detail::StateCache<AccountRecord> accounts;
  detail::StateCache<IdentifierRecord> identifiers;
  std::vector<std::string> stop;
};

EntityResolver::EntityResolver(engine::StateStore& store, EntityResolverConfig config)
    : impl_(std::make_unique<Impl>(store, std::move(config))) {}

EntityResolver::~EntityResolver() = default;

Result<LinkOutcome> EntityResolver::observe(const AccountProfile& profile) {
  Impl& impl = *impl_;
  LinkOutcome out;
  bool created = false;
  NEXUS_TRY(impl.ensure_account(profile.account, &created));
  std::vector<std::string> roots_seen;
  if (!created) {
    NEXUS_TRY(root, impl.find_root(profile.account));
    roots_seen.push_back(*root->key);
  }

  std::vector<std::string> keys;
  for (const auto& identifier : profile.identifiers) {
    std::string key = normalize_identifier(identifier.kind, identifier.value);
    if (key.empty()) {
      ++out.unusable;
    } else {
      keys.push_back(std::move(key));
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());

  for (const auto& key : keys) {
    if (impl.stopped(key)) {
      out.skipped_common.push_back(key);
      continue;
    }
    NEXUS_TRY(slot, impl.identifiers.get(key));
    IdentifierRecord& record = slot->value;
    if (record.common) {
      out.skipped_common.push_back(key);
      continue;
    }
    auto at = std::lower_bound(record.accounts.begin(), record.accounts.end(), profile.account);
    if (at != record.accounts.end() && *at == profile.account) continue;  // linked before
    if (record.accounts.size() >= impl.config.max_accounts_per_identifier) {
      record.common = true;
      impl.identifiers.put(slot);
      out.new_common.push_back(key);
      continue;
    }
    record.accounts.insert(at, profile.account);
    impl.identifiers.put(slot);
    // Every account already on the identifier is in one cluster: joining the first suffices.
    const std::string anchor =
        record.accounts.front() == profile.account && record.accounts.size() > 1
            ? record.accounts[1]
            : record.accounts.front();
    if (anchor == profile.account) continue;
    NEXUS_TRY(anchor_root, impl.find_root(anchor));
    roots_seen.push_back(*anchor_root->key);
    NEXUS_TRY(impl.unite(profile.account, anchor));
  }

  NEXUS_TRY(root, impl.find_root(profile.account));
  if (!profile.name.empty()) {
    const std::string name = normalize_name(profile.name);
    if (!name.empty()) impl.add_name(root, name);
  }
  out.cluster_id = *root->key;
  std::sort(roots_seen.begin(), roots_seen.end());
  roots_seen.erase(std::unique(roots_seen.begin(), roots_seen.end()), roots_seen.end());
  for (auto& id : roots_seen) {
    if (id != out.cluster_id) out.merged.push_back(std::move(id));
  }
  return out;
}

Result<ClusterView> EntityResolver::cluster(std::string_view account) {
  NEXUS_TRY(root, impl_->find_root(account));
  ClusterView view;
  if (!root->present) {
    view.id = std::string(account);
    view.members.push_back(view.id);
    return view;
  }
  const AccountRecord& record = root->value;
  view.id = *root->key;
  view.size = record.size;
  view.names = record.names;
  view.names_truncated = record.names_truncated;
  view.members = record.members;
  view.members_truncated = record.members_truncated;
  return view;
}

Result<std::string> EntityResolver::cluster_id(std::string_view account) {
  NEXUS_TRY(root, impl_->find_root(account));
  return *root->key;
}

Result<IdentifierView> EntityResolver::identifier(IdentifierKind kind, std::string_view raw) {
  IdentifierView view;
  view.key = normalize_identifier(kind, raw);
  if (view.key.empty()) return view;
  view.stopped = impl_->stopped(view.key);
  NEXUS_TRY(slot, impl_->identifiers.get(view.key));
  if (slot->present) {
    view.accounts = slot->value.accounts;
    view.common = slot->value.common;
  }
  return view;
}

void EntityResolver::collect_dirty(engine::StateBatch* batch) {
  impl_->accounts.collect_dirty(batch);
  impl_->identifiers.collect_dirty(batch);
}

void EntityResolver::evict() {
  impl_->accounts.evict();
  impl_->identifiers.evict();
}

size_t EntityResolver::cached_records() const {
  return impl_->accounts.cached() + impl_->identifiers.cached();
}

}  // namespace nexus::graph
