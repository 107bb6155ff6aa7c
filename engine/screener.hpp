// Screener: the engine's view of sanctions screening. The engine asks it about
// each party of each transaction; hits become rule inputs (sanctions.*) and alert
// evidence. Implementations live outside the engine core (engine/screening/);
// the engine owns none of the lists.
#pragma once

#include "nexus/v1/transaction.pb.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nexus::engine {

/// One party matched one list entry.
struct ScreeningHit {
  std::string list;          // "UN", "OFAC-SDN", "EU", "UK", "OpenSanctions"
  std::string reference;     // entry reference, e.g. "QDi.299"
  std::string matched_name;  // the listed name or alias that matched
  std::string programme;     // e.g. "SDGT", "ISIL (Da'esh) and Al-Qaida"
  double score = 0;          // 0..1; only hits at or above the operating threshold are returned
  /// Why this hit counts: the name judged distinctive, or the attribute that
  /// corroborated a common name ("common name (13.3 bits), corroborated by date of
  /// birth"). Empty from screeners that do not judge names.
  std::string basis;
  /// The snapshot of the list that matched: its version in the lists data directory (0 when
  /// the screener's lists are not versioned) and the publisher's version ("2026-02-27").
  /// Alerts carry both, so an auditor sees which list screened a payment.
  uint32_t list_version = 0;
  std::string list_source_version;
};

/// Screens one party against the loaded lists. Called from the engine thread only;
/// implementations may cache. Must not throw and must be deterministic for a given
/// list index and configuration (replays depend on it).
class Screener {
 public:
  virtual ~Screener() = default;
  /// Hits for this party at or above the operating threshold, best first.
  virtual std::vector<ScreeningHit> screen(const nexus::v1::Party& party) = 0;
};

}  // namespace nexus::engine
