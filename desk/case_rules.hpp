// The case state machine and the four-eyes (maker-checker) rules, as pure functions the
// stores call inside their transactions and tests call with plain values. Thread-safe.
//
//   new -> in_review -> escalated -> closed      (analyst or supervisor; escalated -> closed
//          in_review ------------------> closed   and escalated -> in_review: supervisor)
//   closed -> in_review                          (reopen: supervisor only)
//
// A close that needs four-eyes (the reason is `reported`, or the case holds a high or
// critical alert) is proposed by one user and approved by a different user who is a
// supervisor. `merged` is set only by a merge, never chosen by hand.
#pragma once

#include "nexus/v1/alert.pb.h"

#include "base/result.hpp"
#include "desk/roles.hpp"

#include <optional>
#include <string_view>

namespace nexus::desk {

enum class CaseStatus { kNew, kInReview, kEscalated, kClosed };
enum class CloseReason { kFalsePositive, kExplained, kReported, kMerged };

std::string_view status_name(CaseStatus status);
std::optional<CaseStatus> parse_status(std::string_view text);
std::string_view close_reason_name(CloseReason reason);
std::optional<CloseReason> parse_close_reason(std::string_view text);

/// Error codes the desk returns (Error::code), so callers branch on meaning.
namespace errc {
inline constexpr std::string_view kForbidden = "forbidden";         // role may not do this
inline constexpr std::string_view kInvalidState = "invalid_state";  // not from this status
inline constexpr std::string_view kFourEyes = "four_eyes_required";
inline constexpr std::string_view kNotFound = "not_found";
inline constexpr std::string_view kConflict = "conflict";  // e.g. a pending proposal
inline constexpr std::string_view kInvalidArgument = "invalid_argument";
inline constexpr std::string_view kBadCursor = "bad_cursor";
inline constexpr std::string_view kSchemaTooNew = "schema_too_new";
inline constexpr std::string_view kStoreUnavailable = "store_unavailable";
inline constexpr std::string_view kStoreError = "store_error";
}  // namespace errc

/// Fails with kForbidden when `role` may not do `action`.
Result<void> require(Role role, Action action);

/// A status change other than a close (closing goes through check_close): review,
/// escalate, de-escalate, reopen. Fails with kForbidden or kInvalidState.
Result<void> check_transition(Role role, CaseStatus from, CaseStatus to);

/// Whether closing with `reason` a case whose highest alert severity is `max_severity`
/// needs a second pair of eyes: always for `reported` (an STR goes out), and for any
/// case holding a high or critical alert.
bool needs_four_eyes(CloseReason reason, nexus::v1::Severity max_severity);

/// May `role` close (or propose to close) a case in status `from` with `reason`?
/// Closable from in_review (analyst, supervisor) and escalated (supervisor); `merged` is
/// refused (only a merge sets it). Says nothing about four-eyes: see needs_four_eyes.
Result<void> check_close(Role role, CaseStatus from, CloseReason reason);

/// May `role` propose to close a case in status `from` with `reason`? As check_close, but an
/// analyst may also propose closing an escalated case: the proposal is how an analyst asks
/// the supervisor, who decides it.
Result<void> check_propose_close(Role role, CaseStatus from, CloseReason reason);

/// May `approver` approve or reject a proposal made by `proposer`? Only a supervisor, and
/// never the proposer (the maker is not the checker).
Result<void> check_decision_on_proposal(const Actor& approver, std::string_view proposer);

}  // namespace nexus::desk
