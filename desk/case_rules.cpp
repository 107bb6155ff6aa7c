#include "desk/case_rules.hpp"

#include "desk/detail/enum_names.hpp"

#include <string>

namespace nexus::desk {

namespace {

constexpr detail::EnumNames<CaseStatus, 4> kStatusNames{{
    {CaseStatus::kNew, "new"},
    {CaseStatus::kInReview, "in_review"},
    {CaseStatus::kEscalated, "escalated"},
    {CaseStatus::kClosed, "closed"},
}};

constexpr detail::EnumNames<CloseReason, 4> kReasonNames{{
    {CloseReason::kFalsePositive, "false_positive"},
    {CloseReason::kExplained, "explained"},
    {CloseReason::kReported, "reported"},
    {CloseReason::kMerged, "merged"},
}};

Error invalid_state(CaseStatus from, std::string_view what) {
  return make_error(
      std::string(errc::kInvalidState),
      "a case in status '" + std::string(status_name(from)) + "' cannot " + std::string(what));
}

}  // namespace

std::string_view status_name(CaseStatus status) { return detail::name_of(kStatusNames, status); }
std::optional<CaseStatus> parse_status(std::string_view text) {
  return detail::parse_name(kStatusNames, text);
}
std::string_view close_reason_name(CloseReason reason) {
  return detail::name_of(kReasonNames, reason);
}
std::optional<CloseReason> parse_close_reason(std::string_view text) {
  return detail::parse_name(kReasonNames, text);
}

Result<void> require(Role role, Action action) {
  if (allowed(role, action)) return outcome::success();
  return make_error(
      std::string(errc::kForbidden),
      "role '" + std::string(role_name(role)) + "' may not " + std::string(action_name(action)));
}

Result<void> check_transition(Role role, CaseStatus from, CaseStatus to) {
  if (to == CaseStatus::kClosed) {
    return make_error(std::string(errc::kInvalidArgument),
                      "closing a case needs a reason: use close or propose_close");
  }
  if (from == CaseStatus::kNew && to == CaseStatus::kInReview) {
    return require(role, Action::kReviewCase);
  }
  if (from == CaseStatus::kInReview && to == CaseStatus::kEscalated) {
    return require(role, Action::kReviewCase);
  }
  if (from == CaseStatus::kEscalated && to == CaseStatus::kInReview) {
    return require(role, Action::kDeescalateCase);
  }
  // A closed case comes back for review (new facts, a wrong disposition), never straight
  // to escalated, so the reopen shows in the timeline before anything else happens.
  if (from == CaseStatus::kClosed && to == CaseStatus::kInReview) {
    return require(role, Action::kReopenCase);
  }
  return invalid_state(from, "move to '" + std::string(status_name(to)) + "'");
}

bool needs_four_eyes(CloseReason reason, nexus::v1::Severity max_severity) {
  return reason == CloseReason::kReported || max_severity == nexus::v1::SEVERITY_HIGH ||
         max_severity == nexus::v1::SEVERITY_CRITICAL;
}

Result<void> check_close(Role role, CaseStatus from, CloseReason reason) {
  NEXUS_TRY(require(role, Action::kCloseCase));
  if (reason == CloseReason::kMerged) {
    return make_error(std::string(errc::kInvalidArgument),
                      "reason 'merged' is set by merging cases, not chosen by hand");
  }
  if (from == CaseStatus::kInReview) return outcome::success();
  if (from == CaseStatus::kEscalated) {
    // An escalation is a request for a supervisor's judgement: an analyst cannot undo it
    // by closing the case.
    if (role == Role::kSupervisor) return outcome::success();
    return make_error(std::string(errc::kForbidden), "an escalated case is closed by a supervisor");
  }
  return invalid_state(from, "be closed (review it first)");
}

Result<void> check_propose_close(Role role, CaseStatus from, CloseReason reason) {
  if (from == CaseStatus::kEscalated && role == Role::kAnalyst) {
    NEXUS_TRY(require(role, Action::kCloseCase));
    return check_close(Role::kSupervisor, from, reason);  // the reason and state checks
  }
  return check_close(role, from, reason);
}

Result<void> check_decision_on_proposal(const Actor& approver, std::string_view proposer) {
  NEXUS_TRY(require(approver.role, Action::kApproveClose));
  if (approver.user == proposer) {
    return make_error(
        std::string(errc::kForbidden),
        "four-eyes: '" + approver.user + "' proposed this close and cannot decide it");
  }
  return outcome::success();
}

}  // namespace nexus::desk
