#include "desk/roles.hpp"

#include "desk/detail/enum_names.hpp"

#include <array>

namespace nexus::desk {

namespace {

constexpr detail::EnumNames<Role, 4> kRoleNames{{
    {Role::kAnalyst, "analyst"},
    {Role::kSupervisor, "supervisor"},
    {Role::kAuditor, "auditor"},
    {Role::kAdmin, "admin"},
}};

// One bit per role.
constexpr unsigned bit(Role role) { return 1u << static_cast<unsigned>(role); }
constexpr unsigned kAnalyst = bit(Role::kAnalyst);
constexpr unsigned kSupervisor = bit(Role::kSupervisor);
constexpr unsigned kAuditor = bit(Role::kAuditor);
constexpr unsigned kAdmin = bit(Role::kAdmin);

struct Permission {
  Action action;
  std::string_view name;
  unsigned roles;
};

// The policy. Auditors only read; admins only manage users (no case work, and no reading of
// cases either: least privilege); approvals, reopening and revocations are the supervisor's.
constexpr std::array kPermissions{
    Permission{Action::kReadCases, "read_cases", kAnalyst | kSupervisor | kAuditor},
    Permission{Action::kReadAudit, "read_audit", kSupervisor | kAuditor},
    Permission{Action::kReviewCase, "review_case", kAnalyst | kSupervisor},
    Permission{Action::kDeescalateCase, "deescalate_case", kSupervisor},
    Permission{Action::kAssignCase, "assign_case", kAnalyst | kSupervisor},
    Permission{Action::kCommentCase, "comment_case", kAnalyst | kSupervisor},
    Permission{Action::kSnoozeCase, "snooze_case", kAnalyst | kSupervisor},
    Permission{Action::kCloseCase, "close_case", kAnalyst | kSupervisor},
    Permission{Action::kApproveClose, "approve_close", kSupervisor},
    Permission{Action::kReopenCase, "reopen_case", kSupervisor},
    Permission{Action::kMergeSplitCases, "merge_split_cases", kAnalyst | kSupervisor},
    Permission{Action::kDecideHit, "decide_hit", kAnalyst | kSupervisor},
    Permission{Action::kRevokeAllowList, "revoke_allow_list", kSupervisor},
    Permission{Action::kManageUsers, "manage_users", kAdmin},
    Permission{Action::kExportCase, "export_case", kSupervisor},
};

const Permission* find(Action action) {
  for (const auto& permission : kPermissions) {
    if (permission.action == action) return &permission;
  }
  return nullptr;
}

}  // namespace

bool allowed(Role role, Action action) {
  const Permission* permission = find(action);
  return permission != nullptr && (permission->roles & bit(role)) != 0;
}

std::string_view role_name(Role role) { return detail::name_of(kRoleNames, role); }

std::string_view action_name(Action action) {
  const Permission* permission = find(action);
  return permission != nullptr ? permission->name : "unknown";
}

std::optional<Role> parse_role(std::string_view text) {
  return detail::parse_name(kRoleNames, text);
}

}  // namespace nexus::desk
