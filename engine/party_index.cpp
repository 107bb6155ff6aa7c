#include "engine/party_index.hpp"

#include <algorithm>
#include <vector>

namespace nexus::engine {

PartyIndex::PartyIndex(StateStore& store, PartyIndexConfig config)
    : store_(store), config_(config) {}

std::string PartyIndex::key(std::string_view account) {
  std::string out(kPrefix);
  out += account;
  return out;
}

Result<nexus::v1::PartyRecord> PartyIndex::decode(std::string_view key, std::string_view value) {
  nexus::v1::PartyRecord record;
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size())) ||
      record.party().account().empty()) {
    return make_error("state_corrupt", "state store: the party record under '" + std::string(key) +
                                           "' does not decode (" + std::to_string(value.size()) +
                                           " bytes)");
  }
  return record;
}

Result<PartyIndex::Slot*> PartyIndex::find_or_load(std::string_view account) {
  if (!checked_) {
    NEXUS_TRY(any, store_.any_with_prefix(kPrefix));
    complete_ = !any;
    checked_ = true;
  }
  std::string account_key(account);
  if (auto it = records_.find(account_key); it != records_.end()) return &it->second;
  Slot slot;
  if (!complete_) {
    ++misses_;
    const std::string stored_key = key(account);
    NEXUS_TRY(stored, store_.get(stored_key));
    if (stored) {
      NEXUS_TRY(record, decode(stored_key, *stored));
      slot.record = std::move(record);
    }
  }
  return &records_.emplace(std::move(account_key), std::move(slot)).first->second;
}

Result<void> PartyIndex::observe(const nexus::v1::Party& party, std::string_view role,
                                 std::string_view transaction_id, int64_t time_ms,
                                 double amount_usd, std::string_view counterparty) {
  if (party.account().empty() || party.name().empty()) return outcome::success();
  NEXUS_TRY(slot, find_or_load(party.account()));
  nexus::v1::PartyRecord& record = slot->record;
  for (const auto& known : record.recent()) {
    if (known.id() == transaction_id) return outcome::success();
  }
  nexus::v1::Party& kept = *record.mutable_party();
  if (kept.account().empty()) {
    record.set_first_seen_ms(time_ms);
    record.set_last_seen_ms(time_ms);
  }
  // The latest name stands; an earlier one joins other_names (distinct, the oldest kept
  // first, at most max_other_names: the first names an account used are the ones a
  // designation is likeliest to carry).
  if (!kept.name().empty() && kept.name() != party.name()) {
    auto& others = *record.mutable_other_names();
    const bool known = std::find(others.begin(), others.end(), kept.name()) != others.end();
    if (!known && static_cast<std::size_t>(others.size()) < config_.max_other_names) {
      record.add_other_names(kept.name());
    }
    auto again = std::find(others.begin(), others.end(), party.name());
    if (again != others.end()) others.erase(again);
  }
  kept.set_account(party.account());
  kept.set_name(party.name());
  kept.set_type(party.type());
  if (!party.country().empty()) kept.set_country(party.country());
  if (!party.date_of_birth().empty()) kept.set_date_of_birth(party.date_of_birth());
  if (!party.national_id().empty()) kept.set_national_id(party.national_id());
  record.set_first_seen_ms(std::min(record.first_seen_ms(), time_ms));
  record.set_last_seen_ms(std::max(record.last_seen_ms(), time_ms));
  record.set_transactions(record.transactions() + 1);
  // Recent payments, oldest first: a late one goes in its place, and the oldest drops.
  auto& recent = *record.mutable_recent();
  nexus::v1::PartyTransaction entry;
  entry.set_id(std::string(transaction_id));
  entry.set_time_ms(time_ms);
  entry.set_role(std::string(role));
  entry.set_amount_usd(amount_usd);
  entry.set_counterparty(std::string(counterparty));
  int at = recent.size();
  while (at > 0 && recent.Get(at - 1).time_ms() > time_ms) --at;
  recent.Add(std::move(entry));
  for (int i = recent.size() - 1; i > at; --i) recent.SwapElements(i, i - 1);
  if (static_cast<std::size_t>(recent.size()) > config_.max_recent) {
    recent.DeleteSubrange(0, recent.size() - static_cast<int>(config_.max_recent));
  }
  slot->dirty = true;
  return outcome::success();
}

void PartyIndex::collect_dirty(StateBatch* batch) {
  for (auto& [account, slot] : records_) {
    if (!slot.dirty) continue;
    batch->put(key(account), slot.record.SerializeAsString());
    slot.dirty = false;
  }
}

void PartyIndex::evict() {
  if (records_.size() <= config_.max_cached) return;
  // Dropped in key order, so which records stay does not depend on the hash map's layout.
  std::vector<std::string> clean;
  for (const auto& [account, slot] : records_) {
    if (!slot.dirty) clean.push_back(account);
  }
  std::sort(clean.begin(), clean.end());
  std::size_t excess = records_.size() - config_.max_cached;
  for (const auto& account : clean) {
    if (excess == 0) break;
    records_.erase(account);
    --excess;
  }
  complete_ = false;
}

}  // namespace nexus::engine
