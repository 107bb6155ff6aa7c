// Validation of decoded transactions: the checks that send an event to the
// dead-letter topic instead of the rules. Pure function; thread-safe.
#pragma once

#include "engine/fx_table.hpp"
#include "nexus/v1/transaction.pb.h"

#include <string>

namespace nexus::engine {

struct ValidationStatus {
  bool ok = true;
  std::string reason;  // stable code: missing_id, bad_timestamp, non_positive_amount, ...
  std::string detail;  // plain message naming the field
};

/// Limits on string fields (bytes). Payment messages carry short fields; a 100 KB
/// "name" is an attack or a bug, not a name.
struct FieldLimits {
  size_t id = 128;                // pacs.008 EndToEndId is 35; allow generous room
  size_t remittance_info = 1024;  // pacs.008 Ustrd is 140 per occurrence
  size_t address = 512;
  size_t other = 256;
};

/// Event time accepted: from 2000-01-01 up to 2100-01-01 (UTC).
constexpr int64_t kMinEventTimeSeconds = 946'684'800;
constexpr int64_t kMaxEventTimeSeconds = 4'102'444'800;

/// Largest amount accepted, in minor units: 10^15 (ten trillion in a two-decimal
/// currency), above any single real payment and small enough that every amount converts
/// to a double exactly (2^53 ~ 9.007e15), so evidence shows the amount that was sent.
constexpr int64_t kMaxAmountMinor = 1'000'000'000'000'000;

ValidationStatus validate(const nexus::v1::Transaction& tx, const FxTable& fx,
                          const FieldLimits& limits = {});

}  // namespace nexus::engine
