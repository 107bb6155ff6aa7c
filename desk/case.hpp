// A case: the alerts on one subject worked together, its timeline and its four-eyes
// proposals, as rows. Plain values.
#pragma once

#include "nexus/v1/alert.pb.h"

#include "desk/case_rules.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace nexus::desk {

/// Strong ids: a case id and a proposal id do not mix.
enum class CaseId : int64_t {};
enum class ProposalId : int64_t {};

struct Case {
  CaseId id{};
  std::string subject_key;  // alerts on this subject join the case while it is open
  CaseStatus status = CaseStatus::kNew;
  std::string assignee;  // "" = unassigned
  std::optional<int64_t> snoozed_until_ms;
  std::optional<CloseReason> close_reason;
  std::optional<CaseId> merged_into;  // set when closed by a merge
  nexus::v1::Severity max_severity = nexus::v1::SEVERITY_UNSPECIFIED;
  int64_t alert_count = 0;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

/// One line of a case's timeline. `kind` names what happened ("created", "status",
/// "assigned", "comment", "snoozed", "close_proposed", "close_approved", "close_rejected",
/// "closed", "merged", "merged_into", "split", "split_from"); `details_json` its facts.
struct CaseEvent {
  int64_t id = 0;
  CaseId case_id{};
  int64_t at_ms = 0;
  std::string actor;  // a user name, or "system" for automatic grouping
  std::string kind;
  std::string details_json;
};

enum class ProposalState { kPending, kApproved, kRejected, kCancelled };
std::string_view proposal_state_name(ProposalState state);
std::optional<ProposalState> parse_proposal_state(std::string_view text);

/// A maker's request to close a case, waiting for (or decided by) a checker.
struct CloseProposal {
  ProposalId id{};
  CaseId case_id{};
  CloseReason reason = CloseReason::kFalsePositive;
  std::string note;
  std::string proposed_by;
  int64_t proposed_ms = 0;
  ProposalState state = ProposalState::kPending;
  std::string decided_by;  // "" while pending
  std::optional<int64_t> decided_ms;
};

}  // namespace nexus::desk
