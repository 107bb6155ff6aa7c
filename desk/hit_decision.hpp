// An analyst's decision on a sanctions hit: the party really is the listed entry, or it
// is not. A standing false-positive decision allow-lists the (party, entry) pair until a
// supervisor revokes it. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nexus::desk {

enum class DecisionId : int64_t {};
enum class HitVerdict { kTrueMatch, kFalsePositive };

std::string_view verdict_name(HitVerdict verdict);
std::optional<HitVerdict> parse_verdict(std::string_view text);

struct HitDecision {
  DecisionId id{};
  std::string party_key;      // the screened party (account or party id)
  std::string list_entry_id;  // e.g. "UN:QDi.299"
  HitVerdict verdict = HitVerdict::kFalsePositive;
  std::string reason;
  std::string decided_by;
  int64_t decided_ms = 0;
  bool revoked = false;
  std::string revoked_by;
  std::optional<int64_t> revoked_ms;
};

}  // namespace nexus::desk
