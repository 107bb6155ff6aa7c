// Who may do what at the review desk: the four roles and the permission check every
// write goes through. Pure functions over plain values; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nexus::desk {

/// A desk user's role. Analysts work cases; supervisors also approve (four-eyes),
/// reopen and revoke allow-list entries; auditors read everything and change nothing;
/// admins manage users and tokens and do no case work.
enum class Role { kAnalyst, kSupervisor, kAuditor, kAdmin };

/// What a caller wants to do. Reads are split from writes so an auditor's "read all"
/// is one row of the table in roles.cpp.
enum class Action {
  kReadCases,        // alerts, cases, timelines, hit decisions
  kReadAudit,        // the audit log
  kReviewCase,       // new -> in_review, in_review -> escalated
  kDeescalateCase,   // escalated -> in_review
  kAssignCase,       // set or clear the assignee
  kCommentCase,      // add a comment to the timeline
  kSnoozeCase,       // hide from the queue until a time
  kCloseCase,        // close directly (when four-eyes is not needed) or propose a close
  kApproveClose,     // approve or reject another user's close proposal
  kReopenCase,       // closed -> in_review
  kMergeSplitCases,  // merge two cases, split alerts off into a new case
  kDecideHit,        // true_match / false_positive on a sanctions hit
  kRevokeAllowList,  // revoke a false-positive decision
  kManageUsers,      // users, roles, password hashes, API tokens
  kExportCase,       // a case's goAML report and evidence package (audited)
};

/// Whether `role` may perform `action`. The whole policy is one table (roles.cpp).
bool allowed(Role role, Action action);

/// The user acting, as authenticated by the caller (the HTTP layer): the store trusts
/// it and checks `allowed(role, ...)` and the four-eyes rules against it.
struct Actor {
  std::string user;
  Role role = Role::kAnalyst;
};

std::string_view role_name(Role role);
std::string_view action_name(Action action);
/// "analyst", "supervisor", "auditor", "admin"; nullopt for anything else.
std::optional<Role> parse_role(std::string_view text);

}  // namespace nexus::desk
