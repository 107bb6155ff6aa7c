// PartyIndex: every counterparty the engine has seen, by account: its name (and earlier
// names), type, country, date of birth and national id, when it was first and last seen,
// how many payments it took part in and the most recent of them. When a sanctions list
// changes, re-screening (connectors/lists/rescreen.hpp) reads this index to find parties
// seen before that match a new designation (SANCTIONS-RETRO-HIT).
//
// State: one PartyRecord (proto/nexus/v1/party_record.proto) per account under
// "p/<account>", written with the engine's checkpoint batch when it changed. Records live
// in memory while touched; after a checkpoint clean ones are dropped beyond the cache cap
// and read back on the next payment of that account. A store that held no party at start
// needs no read until the first eviction (every party is then in memory).
//
// A record that does not decode is refused with its key ("state_corrupt"), never reset.
// Engine thread only.
#pragma once

#include "engine/state_store.hpp"
#include "nexus/v1/party_record.pb.h"
#include "nexus/v1/transaction.pb.h"

#include "base/result.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace nexus::engine {

struct PartyIndexConfig {
  /// Payments kept per party (the newest; the count of all is kept too). Default: 32.
  std::size_t max_recent = 32;
  /// Earlier names kept per account besides the latest. Default: 4.
  std::size_t max_other_names = 4;
  /// Records kept in memory after a checkpoint (clean ones beyond it are dropped).
  /// Default: 1,000,000 (about 600 bytes each with 32 payments).
  std::size_t max_cached = 1'000'000;
};

class PartyIndex {
 public:
  static constexpr std::string_view kPrefix = "p/";

  explicit PartyIndex(StateStore& store, PartyIndexConfig config = {});

  /// One payment of `party` (the account is required; a party without a name is not
  /// screenable and not kept). A payment id already among the party's recent ones is not
  /// counted again (a redelivery or a file replayed into the same state). Errors: state
  /// I/O, or a stored record that does not decode.
  Result<void> observe(const nexus::v1::Party& party, std::string_view role,
                       std::string_view transaction_id, int64_t time_ms, double amount_usd,
                       std::string_view counterparty);

  /// Adds the records changed since the last call to a checkpoint batch.
  void collect_dirty(StateBatch* batch);
  /// After a checkpoint: drops clean records beyond the cache cap.
  void evict();

  std::size_t cached() const { return records_.size(); }
  uint64_t misses() const { return misses_; }

  static std::string key(std::string_view account);
  /// Decodes a stored record; "state_corrupt" naming the key when it does not.
  static Result<nexus::v1::PartyRecord> decode(std::string_view key, std::string_view value);

 private:
  struct Slot {
    nexus::v1::PartyRecord record;
    bool dirty = false;
  };
  Result<Slot*> find_or_load(std::string_view account);

  StateStore& store_;
  PartyIndexConfig config_;
  std::unordered_map<std::string, Slot> records_;
  bool complete_ = false;  // every stored record is in memory (see the header comment)
  bool checked_ = false;   // complete_ was decided (at the first observe)
  uint64_t misses_ = 0;
};

}  // namespace nexus::engine
