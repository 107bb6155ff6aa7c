#include "engine/graph/network.hpp"

#include <algorithm>

namespace nexus::graph {

void NetworkFacts::clear() {
  originator_cluster = ClusterView{};
  originator_cluster.size = 0;
  beneficiary_cluster = ClusterView{};
  beneficiary_cluster.size = 0;
  detections.clear();
  exposures.clear();
}

const Detection* NetworkFacts::detection(Pattern pattern) const {
  for (const auto& detection : detections) {
    if (detection.pattern == pattern) return &detection;
  }
  return nullptr;
}

const NetworkFacts::PartyExposure* NetworkFacts::exposure(std::string_view category) const {
  for (const auto& entry : exposures) {
    if (entry.category == category) return &entry;
  }
  return nullptr;
}

namespace {

constexpr size_t kSeenProfiles = size_t{1} << 20;

uint64_t fnv(uint64_t hash, std::string_view text) {
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  hash ^= 0xff;  // field separator
  hash *= 1099511628211ULL;
  return hash;
}

}  // namespace

Network::Network(engine::StateStore& store, NetworkConfig config)
    : seen_profiles_(kSeenProfiles, 0),
      entities_(store, config.entities),
      flows_(store, config.flows),
      patterns_(flows_, config.patterns),
      exposure_(store, flows_, config.exposure) {}

Network::~Network() = default;

Result<void> Network::observe_party(const PartyView& party, bool with_device, ClusterView* out) {
  if (party.account.empty()) return outcome::success();
  AccountProfile profile;
  profile.account = party.account;
  profile.name = party.name;
  auto add = [&](IdentifierKind kind, const std::string& value) {
    if (!value.empty()) profile.identifiers.push_back({kind, value});
  };
  add(IdentifierKind::kPhone, party.phone);
  add(IdentifierKind::kEmail, party.email);
  add(IdentifierKind::kAddress, party.address);
  add(IdentifierKind::kNationalId, party.national_id);
  if (with_device) add(IdentifierKind::kDevice, party.device_id);
  uint64_t slot_hash = fnv(14695981039346656037ULL, party.account);
  uint64_t profile_hash = fnv(slot_hash, party.name);
  for (const auto& identifier : profile.identifiers) {
    profile_hash = fnv(profile_hash, identifier.value);
    profile_hash = fnv(profile_hash, identifier_kind_name(identifier.kind));
  }
  uint64_t& seen = seen_profiles_[slot_hash & (kSeenProfiles - 1)];
  if (seen != profile_hash) {
    NEXUS_TRY(outcome, entities_.observe(profile));
    (void)outcome;
    seen = profile_hash;
  }
  NEXUS_TRY(view, entities_.cluster(party.account));
  *out = std::move(view);
  return outcome::success();
}

Result<void> Network::best_exposures(const PartyView& party, const char* role, int64_t at_ms,
                                     NetworkFacts* out) {
  if (party.account.empty()) return outcome::success();
  auto consider = [&](NetworkFacts::PartyExposure candidate) {
    for (auto& entry : out->exposures) {
      if (entry.category != candidate.category) continue;
      // Higher score wins; on a tie the originator (considered first) stays.
      if (candidate.score > entry.score) entry = std::move(candidate);
      return;
    }
    out->exposures.push_back(std::move(candidate));
  };
  NEXUS_TRY(flags, exposure_.flags(party.account));
  for (const auto& flag : flags) {
    NetworkFacts::PartyExposure entry;
    entry.category = flag.category;
    entry.role = role;
    entry.account = party.account;
    entry.score = 1.0;
    entry.flagged = true;
    consider(std::move(entry));
  }
  NEXUS_TRY(exposures, exposure_.exposures(party.account, at_ms));
  for (auto& exposure : exposures) {
    NetworkFacts::PartyExposure entry;
    entry.category = exposure.category;
    entry.role = role;
    entry.account = party.account;
    entry.score = exposure.score;
    entry.exposure = std::move(exposure);
    consider(std::move(entry));
  }
  return outcome::success();
}

Result<void> Network::observe(const PartyView& originator, const PartyView& beneficiary,
                              const FlowEdge& edge, NetworkUse use, NetworkFacts* out) {
  out->clear();
  if (use.clusters) {
    // The device of a payment is the payer's.
    NEXUS_TRY(observe_party(originator, true, &out->originator_cluster));
    NEXUS_TRY(observe_party(beneficiary, false, &out->beneficiary_cluster));
  }
  if ((use.patterns || use.exposure) && use.edge) {
    NEXUS_TRY(status, flows_.add(edge));
    if (status == AddStatus::kAdded) {
      if (use.patterns) {
        NEXUS_TRY(patterns_.on_edge(edge, &out->detections));
      }
      if (use.exposure) {
        NEXUS_TRY(exposure_.on_edge(edge));
      }
    }
  }
  if (use.exposure) {
    NEXUS_TRY(best_exposures(originator, "originator", edge.time_ms, out));
    NEXUS_TRY(best_exposures(beneficiary, "beneficiary", edge.time_ms, out));
    std::sort(out->exposures.begin(), out->exposures.end(),
              [](const auto& a, const auto& b) { return a.category < b.category; });
  }
  return outcome::success();
}

Result<void> Network::flag(std::string_view account, std::string_view category, int64_t time_ms,
                           std::string_view reason) {
  return exposure_.flag(account, category, time_ms, reason);
}

void Network::collect_dirty(engine::StateBatch* batch) {
  entities_.collect_dirty(batch);
  flows_.collect_dirty(batch);
  exposure_.collect_dirty(batch);
}

void Network::evict() {
  entities_.evict();
  flows_.evict();
  exposure_.evict();
}

}  // namespace nexus::graph
