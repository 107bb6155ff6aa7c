// A queue query: filters, one sort, and an opaque keyset cursor. Plain values; the cursor
// codec is pure and thread-safe.
#pragma once

#include "nexus/v1/alert.pb.h"

#include "base/result.hpp"
#include "desk/case_rules.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nexus::desk {

/// Every field is optional; set fields are ANDed, a list matches any of its values.
struct AlertFilter {
  std::vector<CaseStatus> statuses;  // the status of the alert's case
  std::optional<std::string> rule_id;
  std::optional<uint32_t> rule_version;
  std::vector<nexus::v1::Severity> severities;
  std::optional<std::string> typology;
  std::optional<std::string> subject_key;
  std::optional<std::string> assignee;  // the assignee of the alert's case ("" = unassigned)
  std::optional<double> min_score;      // inclusive
  std::optional<double> max_score;      // inclusive
  std::optional<int64_t> from_ms;       // event time, inclusive
  std::optional<int64_t> to_ms;         // event time, exclusive
  std::optional<bool> has_sanctions_hit;
  // Leaves out alerts whose case is snoozed past this time (the queue passes "now").
  std::optional<int64_t> awake_at_ms;
  std::string text;  // free text: every word must match (see search_terms)
};

enum class SortField { kEventTime, kScore, kSeverity };

/// Ties break on arrival order (StoredAlert::seq) in the same direction, so the order is
/// total and a keyset cursor (last key, last seq) resumes exactly after the last row seen.
struct AlertSort {
  SortField field = SortField::kEventTime;
  bool descending = true;
};

struct AlertQuery {
  AlertFilter filter;
  AlertSort sort;
  std::string cursor;  // empty: the first page; else AlertPage::next_cursor of the last page
  int limit = 50;      // clamped to 1..1000
};

/// Where a page ended: the sort it belongs to and the last row's sort key and seq.
struct CursorPosition {
  AlertSort sort;
  int64_t int_key = 0;  // event time (ms) or severity
  double score_key = 0;
  int64_t seq = 0;
};

/// Opaque text (hex) for `position`. Pages resume strictly after it, so rows inserted
/// meanwhile never repeat a row already served, and none that sorts later is skipped.
std::string encode_cursor(const CursorPosition& position);

/// The position in `cursor`, which must come from encode_cursor with the same sort as
/// `sort`; otherwise fails with errc::kBadCursor.
Result<CursorPosition> decode_cursor(std::string_view cursor, const AlertSort& sort);

}  // namespace nexus::desk
