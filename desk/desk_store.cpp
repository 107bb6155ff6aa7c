#include "desk/desk_store.hpp"

#include <algorithm>
#include <chrono>

namespace nexus::desk {

DeskClock system_desk_clock() {
  return [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
}

Result<AuditVerdict> verify_audit(DeskStore& store,
                                  std::optional<std::array<unsigned char, 32>> key, int page,
                                  std::vector<SignedHead> extra_heads) {
  NEXUS_TRY(heads, store.signed_heads());
  for (auto& extra : extra_heads) {
    const bool known = std::any_of(heads.begin(), heads.end(), [&](const SignedHead& head) {
      return head.signature == extra.signature;
    });
    if (!known) heads.push_back(std::move(extra));
  }
  AuditVerifier verifier(std::move(heads), key);
  int64_t after = 0;
  for (;;) {
    NEXUS_TRY(entries, store.audit_entries(AuditFilter{}, after, page));
    for (const auto& entry : entries) {
      if (!verifier.feed(entry)) return verifier.finish();
    }
    if (entries.size() < static_cast<size_t>(page)) break;
    after = entries.back().seq;
  }
  return verifier.finish();
}

}  // namespace nexus::desk
