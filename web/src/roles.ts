// What each role may do, mirroring the desk's policy (desk/roles.cpp) so a page offers only
// the buttons its user may use. The API checks every request itself; this only hides what
// would be refused.
import type { Role } from './api';

export type Action =
  | 'read_cases'
  | 'review_case'
  | 'deescalate_case'
  | 'assign_case'
  | 'comment_case'
  | 'snooze_case'
  | 'close_case'
  | 'approve_close'
  | 'reopen_case'
  | 'merge_split_cases'
  | 'decide_hit'
  | 'revoke_allow_list'
  | 'manage_users'
  | 'export_case'
  | 'read_audit';

const kPolicy: Record<Action, readonly Role[]> = {
  read_cases: ['analyst', 'supervisor', 'auditor'],
  review_case: ['analyst', 'supervisor'],
  deescalate_case: ['supervisor'],
  assign_case: ['analyst', 'supervisor'],
  comment_case: ['analyst', 'supervisor'],
  snooze_case: ['analyst', 'supervisor'],
  close_case: ['analyst', 'supervisor'],
  approve_close: ['supervisor'],
  reopen_case: ['supervisor'],
  merge_split_cases: ['analyst', 'supervisor'],
  decide_hit: ['analyst', 'supervisor'],
  revoke_allow_list: ['supervisor'],
  manage_users: ['admin'],
  export_case: ['supervisor'],
  read_audit: ['supervisor', 'auditor'],
};

export function may(role: Role, action: Action): boolean {
  return kPolicy[action].includes(role);
}

/** Where a role starts: the queue, or the users page for an admin (who reads no cases). */
export function homeOf(role: Role): string {
  return may(role, 'read_cases') ? '/alerts' : '/users';
}
