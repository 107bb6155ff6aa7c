// The desk's HTTP API (/api/v1) as the UI uses it: JSON in and out, the session cookie sent
// by the browser, the session's CSRF token on every state change, and the API's own
// `{"error","message"}` answers turned into an ApiError the pages show as they are.

export type Role = 'analyst' | 'supervisor' | 'auditor' | 'admin';
export type Status = 'new' | 'in_review' | 'escalated' | 'closed';
export type Severity = 'low' | 'medium' | 'high' | 'critical' | 'unspecified';
export type CloseReason = 'false_positive' | 'explained' | 'reported';

export interface Session {
  user: string;
  role: Role;
  csrf_token: string;
}

/** One row of the queue (GET /alerts) and the head of GET /alerts/{id}. */
export interface AlertSummary {
  id: string;
  rule_id: string;
  rule_version: number;
  severity: Severity;
  typologies: string[];
  subject: string;
  subject_name: string;
  score: number;
  event_time_ms: number;
  has_sanctions_hit: boolean;
  case_id: number;
  status: Status;
  assignee: string;
}

/** nexus.v1.Evidence in protobuf's JSON mapping (proto field names; defaults left out). */
export interface Evidence {
  name?: string;
  observed?: string;
  op?: string;
  threshold?: string;
  window_ms?: string | number;
  window_key?: string;
  transaction_ids?: string[];
  truncated?: boolean;
  detail?: string;
}

export interface SanctionsHit {
  party_role?: string;
  list?: string;
  reference?: string;
  matched_name?: string;
  score?: number;
  programme?: string;
  basis?: string;
}

export interface SubgraphEdge {
  from?: string;
  to?: string;
  amount_usd?: number;
  time?: string;
  transaction_id?: string;
}

export interface Subgraph {
  label?: string;
  nodes?: string[];
  edges?: SubgraphEdge[];
  truncated?: boolean;
  detail?: string;
}

/** nexus.v1.Alert (alert.proto) as the desk prints it. */
export interface AlertBody {
  id?: string;
  title?: string;
  source?: string;
  ruleset_hash?: string;
  transaction_ids?: string[];
  evidence?: Evidence[];
  sanctions_hits?: SanctionsHit[];
  subgraphs?: Subgraph[];
}

export interface AlertDetail extends AlertSummary {
  alert: AlertBody | string;
  case_alert_ids?: string[];
}

export interface CaseEvent {
  id: number;
  at_ms: number;
  actor: string;
  kind: string;
  details: Record<string, unknown> | string | null;
}

export interface Proposal {
  id: number;
  case_id: number;
  reason: string;
  note: string;
  proposed_by: string;
  proposed_ms: number;
  state: 'pending' | 'approved' | 'rejected' | 'cancelled';
  decided_by: string;
  decided_ms: number | null;
}

export interface CaseDetail {
  id: number;
  subject: string;
  status: Status;
  assignee: string;
  max_severity: Severity;
  alert_count: number;
  created_ms: number;
  updated_ms: number;
  snoozed_until_ms: number | null;
  close_reason: string | null;
  merged_into: number | null;
  alert_ids: string[];
  /** The first 200 of them as queue rows, by event time. */
  alerts: AlertSummary[];
  timeline: CaseEvent[];
  proposals: Proposal[];
}

export interface User {
  name: string;
  role: Role;
  disabled: boolean;
  created_ms: number;
}

export type StatusCounts = Record<Status, number>;

export interface AuditEntry {
  seq: number;
  at_ms: number;
  actor: string;
  role: string;
  action: string;
  object: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export interface AuditVerification {
  state: 'verified' | 'verified, unsigned tail' | 'chain intact, no key to check heads' | 'broken';
  intact: boolean;
  entries: number;
  checked_through: number;
  signed_through: number;
  unsigned_tail: number;
  heads_checked: number;
  signatures_checked: boolean;
  checked_at_ms: number;
  problem?: string;
  problem_seq?: number;
  detail?: string;
}

export type HitVerdict = 'true_match' | 'false_positive';

/** A decision on a (party, list entry) pair; a standing false positive allow-lists it. */
export interface HitDecision {
  id: number;
  party_key: string;
  list_entry_id: string;
  verdict: HitVerdict;
  reason: string;
  decided_by: string;
  decided_ms: number;
  revoked: boolean;
  revoked_by: string;
  revoked_ms: number | null;
}

/** An API token as listed: never the secret nor its hash. */
export interface Token {
  id: number;
  user: string;
  label: string;
  created_ms: number;
  expires_ms: number | null;
  expired: boolean;
  revoked: boolean;
}

export interface CreatedToken {
  id: number;
  token: string;
  user: string;
  expires_ms: number | null;
}

export interface RuleVersionStats {
  version: number;
  total: number;
  last_24h: number;
  last_7d: number;
  first_ms: number;
  last_ms: number;
  title: string;
  severity: Severity;
  ruleset_hashes: string[];
}

export interface RuleSummary {
  id: string;
  title: string;
  severity: Severity;
  definition: { version: number; title: string; severity: Severity; typologies: string[]; source: string } | null;
  versions: RuleVersionStats[];
  total: number;
  last_24h: number;
  last_7d: number;
}

export interface RulesAnswer {
  now_ms: number;
  rules_dir: string | null;
  ruleset_hash: string | null;
  rules: RuleSummary[];
}

export interface ListSummary {
  list: string;
  version: number;
  source_version: string;
  entries: number;
  imported_ms: number;
  previous_version: number | null;
  added: number;
  removed: number;
  changed: number;
}

export interface ListsAnswer {
  lists_dir: string | null;
  lists: ListSummary[];
}

/** An answer other than 2xx: the HTTP status, the API's error code and its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const kBase = '/api/v1';
let csrf = '';
let onUnauthenticated: () => void = () => {};

/** Called when an answer says the session has ended (401), so the UI can show the log-in. */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let response: Response;
  try {
    response = await fetch(kBase + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    });
  } catch {
    throw new ApiError(0, 'unreachable', 'the desk does not answer; is `nexus desk` running?');
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = (parsed ?? {}) as { error?: string; message?: string };
    const apiError = new ApiError(
      response.status,
      error.error ?? 'http_' + response.status,
      error.message ?? `the desk answered ${response.status} ${response.statusText}`,
    );
    if (response.status === 401 && path !== '/session') onUnauthenticated();
    throw apiError;
  }
  return parsed as T;
}

/** A file the desk hands out (a goAML report, an evidence package), with what it says of it. */
export interface Download {
  blob: Blob;
  filename: string;
  sha256: string;
  auditSeq: string;
}

/** GETs a file; a refusal throws the desk's reason as call() does. */
async function download(path: string): Promise<Download> {
  let response: Response;
  try {
    response = await fetch(kBase + path, { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'unreachable', 'the desk does not answer; is `nexus desk` running?');
  }
  if (!response.ok) {
    let error: { error?: string; message?: string } = {};
    try {
      error = (await response.json()) as typeof error;
    } catch {
      error = {};
    }
    if (response.status === 401) onUnauthenticated();
    throw new ApiError(response.status, error.error ?? 'http_' + response.status, error.message ?? `the desk answered ${response.status}`);
  }
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const named = /filename="([^"]+)"/.exec(disposition);
  return {
    blob: await response.blob(),
    filename: named ? named[1] : 'download',
    sha256: response.headers.get('X-Content-SHA256') ?? '',
    auditSeq: response.headers.get('X-Audit-Seq') ?? '',
  };
}

/** A query string of the non-empty values, in the given order. */
export function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? '?' + text : '';
}

const path = (...parts: (string | number)[]) =>
  parts.map((part) => '/' + encodeURIComponent(String(part))).join('');

export const api = {
  async session(): Promise<Session> {
    const session = await call<Session>('GET', '/session');
    csrf = session.csrf_token;
    return session;
  },
  async logIn(user: string, password: string): Promise<Session> {
    const session = await call<Session>('POST', '/session', { user, password });
    csrf = session.csrf_token;
    return session;
  },
  async logOut(): Promise<void> {
    await call('DELETE', '/session');
    csrf = '';
  },
  changePassword: (current: string, next: string) =>
    call('POST', '/session/password', { current, new: next }),

  alerts: (filters: Record<string, string | undefined>) =>
    call<{ alerts: AlertSummary[]; next_cursor: string }>('GET', '/alerts' + query(filters)),
  counts: (filters: Record<string, string | undefined>) =>
    call<StatusCounts>('GET', '/alerts/counts' + query(filters)),
  alert: (id: string) => call<AlertDetail>('GET', path('alerts', id)),

  case: (id: number) => call<CaseDetail>('GET', path('cases', id)),
  setStatus: (id: number, status: Status, note = '') =>
    call('POST', path('cases', id, 'status'), { status, note }),
  assign: (id: number, assignee: string) =>
    call('POST', path('cases', id, 'assign'), { assignee }),
  comment: (id: number, text: string) => call('POST', path('cases', id, 'comments'), { text }),
  close: (id: number, reason: CloseReason, note: string) =>
    call('POST', path('cases', id, 'close'), { reason, note }),
  proposeClose: (id: number, reason: CloseReason, note: string) =>
    call<{ proposal_id: number }>('POST', path('cases', id, 'proposals'), { reason, note }),
  snooze: (id: number, until_ms: number | null) => call('POST', path('cases', id, 'snooze'), { until_ms }),
  merge: (into: number, from: number) => call('POST', path('cases', into, 'merge'), { from_case_id: from }),
  split: (id: number, alert_ids: string[]) =>
    call<{ case_id: number }>('POST', path('cases', id, 'split'), { alert_ids }),
  goaml: (id: number) => download(path('cases', id, 'goaml')),
  evidence: (id: number) => download(path('cases', id, 'evidence')),
  approve: (proposal: number, note: string) =>
    call('POST', path('proposals', proposal, 'approve'), { note }),
  reject: (proposal: number, note: string) =>
    call('POST', path('proposals', proposal, 'reject'), { note }),

  audit: (filters: Record<string, string | undefined>) =>
    call<{ entries: AuditEntry[]; next_after?: number; verification: AuditVerification }>(
      'GET',
      '/audit' + query(filters),
    ),
  verifyAudit: () => call<{ verification: AuditVerification }>('POST', '/audit/verify'),
  hits: (party: string) => call<{ decisions: HitDecision[] }>('GET', '/hits' + query({ party })),
  decideHit: (party_key: string, list_entry_id: string, verdict: HitVerdict, reason: string) =>
    call<{ decision_id: number }>('POST', '/hits', { party_key, list_entry_id, verdict, reason }),
  revokeHit: (id: number, reason: string) => call('POST', path('hits', id, 'revoke'), { reason }),

  rules: () => call<RulesAnswer>('GET', '/rules'),
  lists: () => call<ListsAnswer>('GET', '/lists'),

  users: () => call<{ users: User[] }>('GET', '/users'),
  tokens: () => call<{ tokens: Token[] }>('GET', '/tokens'),
  createToken: (label: string, user: string, expires_ms: number | null) =>
    call<CreatedToken>('POST', '/tokens', { label, user, expires_ms }),
  revokeToken: (id: number) => call('POST', path('tokens', id, 'revoke'), {}),
  createUser: (name: string, role: Role, password: string) =>
    call('POST', '/users', { name, role, password }),
  setRole: (name: string, role: Role) => call('POST', path('users', name, 'role'), { role }),
  setDisabled: (name: string, disabled: boolean) =>
    call('POST', path('users', name, 'disabled'), { disabled }),
};
