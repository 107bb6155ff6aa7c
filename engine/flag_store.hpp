// FlagStore: the flags rules raise on accounts (`flags:` on a rule) and read back
// (`flag.NAME[account]`). One mark per (flag, account): the latest event time it
// was raised, with the rule and transaction that raised it, for evidence. Kept in
// memory, read through from the StateStore on a miss, written with the checkpoint
// batch under "f/<flag>/<account>". Engine thread only.
#pragma once

#include "engine/state_store.hpp"

#include "base/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace nexus::engine {

struct FlagMark {
  int64_t time_ms = 0;  // 0: never raised
  std::string tx_id;
  std::string rule_id;
};

class FlagStore {
 public:
  explicit FlagStore(StateStore& store);

  /// The mark of `flag` on `account`; time_ms == 0 when it was never raised.
  Result<const FlagMark*> get(std::string_view flag, std::string_view account);
  /// Raises the flag at `mark.time_ms` (an earlier time never replaces a later one).
  Result<void> raise(std::string_view flag, std::string_view account, FlagMark mark);
  /// Moves marks changed since the last call into `batch`.
  void collect_dirty(StateBatch* batch);
  size_t size() const { return marks_.size(); }

 private:
  struct Entry {
    FlagMark mark;
    bool dirty = false;
  };
  Result<Entry*> find(std::string_view flag, std::string_view account);

  StateStore& store_;
  // True when the store held no marks at start: then a mark not in memory does not exist.
  bool complete_ = false;
  std::unordered_map<std::string, Entry> marks_;
  std::string key_;
};

}  // namespace nexus::engine
