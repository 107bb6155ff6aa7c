#include "engine/flag_store.hpp"

namespace nexus::engine {

namespace {

// Stored value: "<time_ms>\t<rule_id>\t<tx_id>".
std::string encode(const FlagMark& mark) {
  return std::to_string(mark.time_ms) + "\t" + mark.rule_id + "\t" + mark.tx_id;
}

FlagMark decode(const std::string& value) {
  FlagMark mark;
  const size_t first = value.find('\t');
  const size_t second = first == std::string::npos ? first : value.find('\t', first + 1);
  try {
    mark.time_ms = std::stoll(value.substr(0, first));
  } catch (const std::exception&) {
    return FlagMark{};
  }
  if (second != std::string::npos) {
    mark.rule_id = value.substr(first + 1, second - first - 1);
    mark.tx_id = value.substr(second + 1);
  }
  return mark;
}

}  // namespace

FlagStore::FlagStore(StateStore& store) : store_(store) {
  auto any = store_.any_with_prefix("f/");
  complete_ = any && !any.value();
}

Result<FlagStore::Entry*> FlagStore::find(std::string_view flag, std::string_view account) {
  key_.assign("f/");
  key_.append(flag);
  key_.push_back('/');
  key_.append(account);
  auto found = marks_.find(key_);
  if (found == marks_.end()) {
    Entry entry;
    if (!complete_) {
      NEXUS_TRY(stored, store_.get(key_));
      if (stored) entry.mark = decode(*stored);
    }
    found = marks_.emplace(key_, std::move(entry)).first;
  }
  return &found->second;
}

Result<const FlagMark*> FlagStore::get(std::string_view flag, std::string_view account) {
  if (complete_) {
    // Every mark is in memory: a miss is an unflagged account, and remembering it would
    // grow the map by one entry per account ever read.
    static const FlagMark kNone;
    key_.assign("f/");
    key_.append(flag);
    key_.push_back('/');
    key_.append(account);
    auto found = marks_.find(key_);
    return found == marks_.end() ? &kNone : &found->second.mark;
  }
  NEXUS_TRY(entry, find(flag, account));
  return &entry->mark;
}

Result<void> FlagStore::raise(std::string_view flag, std::string_view account, FlagMark mark) {
  NEXUS_TRY(entry, find(flag, account));
  if (mark.time_ms < entry->mark.time_ms) return outcome::success();
  entry->mark = std::move(mark);
  entry->dirty = true;
  return outcome::success();
}

void FlagStore::collect_dirty(StateBatch* batch) {
  for (auto& [key, entry] : marks_) {
    if (!entry.dirty) continue;
    batch->put(key, encode(entry.mark));
    entry.dirty = false;
  }
}

}  // namespace nexus::engine
