// The audit trail (/audit, supervisors and auditors): every change, log-in and export the
// desk recorded, filtered by actor, action, object and time (kept in the address), with the
// state of the hash chain and its signed heads as the desk last checked them, and a button
// that checks the whole chain again.
import { api, type AuditEntry, type AuditVerification, query } from '../api';
import { dataTable, fill, form, h, notice, selectField, textField } from '../dom';
import { time, words } from '../format';
import type { PageContext } from '../page';
import { may } from '../roles';

const kFilterNames = ['actor', 'action', 'object', 'from', 'to'] as const;
type Filters = Partial<Record<(typeof kFilterNames)[number] | 'after', string>>;

/** The banner: verified, an unsigned tail, no key, or broken at an entry. */
function verificationBanner(verification: AuditVerification): HTMLElement {
  const facts =
    `${verification.entries.toLocaleString('en')} entries checked, ` +
    `signed through entry ${verification.signed_through.toLocaleString('en')}` +
    ` (${verification.heads_checked} signed ${verification.heads_checked === 1 ? 'head' : 'heads'}), checked ${time(verification.checked_at_ms)}`;
  if (!verification.intact) {
    return h(
      'div',
      { class: 'notice notice-error audit-state', id: 'audit-state', 'data-state': 'broken' },
      h('strong', null, `Broken at entry ${verification.problem_seq}: ${verification.problem}. `),
      verification.detail ?? '',
      h('div', { class: 'small' }, 'No head is signed until this is resolved. `nexus audit verify` shows the same.'),
    );
  }
  const unsigned =
    verification.unsigned_tail > 0
      ? ` ${verification.unsigned_tail} newer ${verification.unsigned_tail === 1 ? 'entry is' : 'entries are'} intact but not yet covered by a signed head.`
      : '';
  const state = verification.signatures_checked ? 'Verified' : 'Chain intact (no key to check the heads)';
  return h(
    'div',
    { class: 'notice notice-ok audit-state', id: 'audit-state', 'data-state': verification.state },
    h('strong', null, state + '. '),
    facts + '.' + unsigned,
  );
}

/** The fields an entry changed: "status: new → in_review", then its other facts. */
function change(entry: AuditEntry): HTMLElement {
  const lines: HTMLElement[] = [];
  const shown = new Set<string>();
  for (const [key, was] of Object.entries(entry.before ?? {})) {
    shown.add(key);
    const now = (entry.after ?? {})[key];
    lines.push(
      h('div', null, h('span', { class: 'muted' }, key + ': '), JSON.stringify(was ?? null), ' → ', JSON.stringify(now ?? null)),
    );
  }
  for (const [key, value] of Object.entries(entry.after ?? {})) {
    if (shown.has(key)) continue;
    lines.push(h('div', null, h('span', { class: 'muted' }, key + ': '), typeof value === 'string' ? value : JSON.stringify(value)));
  }
  return h('div', { class: 'audit-change small' }, lines);
}

function objectLink(object: string): HTMLElement | string {
  const caseId = /^case:(\d+)$/.exec(object);
  return caseId ? h('a', { href: `/cases/${caseId[1]}` }, object) : object;
}

/** datetime-local value (local time) <-> epoch ms, for the time filters. */
function toMs(local: string): string {
  if (!local) return '';
  const ms = new Date(local).getTime();
  return Number.isFinite(ms) ? String(ms) : '';
}
function toLocal(ms: string | undefined): string {
  if (!ms) return '';
  const date = new Date(Number(ms));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function filterForm(filters: Filters, context: PageContext): HTMLFormElement {
  const timeField = (name: 'from' | 'to', label: string) =>
    h(
      'label',
      { class: 'field' },
      h('span', null, label),
      h('input', { name, id: `filter-${name}`, type: 'datetime-local', value: toLocal(filters[name]) }),
    );
  return form(
    { class: 'filters', id: 'audit-filters' },
    (element) => {
      const data = new FormData(element);
      const next: Record<string, string> = {};
      for (const name of kFilterNames) next[name] = String(data.get(name) ?? '').trim();
      next.from = toMs(next.from);
      next.to = toMs(next.to);
      context.navigate('/audit' + query(next));
    },
    textField('actor', 'Actor', filters.actor ?? '', 'user name, or system'),
    selectField(
      'action',
      'Action',
      [
        ['', 'any'],
        ['case.', 'case work'],
        ['session.', 'log-ins and log-outs'],
        ['session.login_failed', 'failed log-ins'],
        ['user.', 'users'],
        ['token.', 'API tokens'],
        ['hit.', 'hit decisions'],
        ['audit.', 'exports'],
        ['desk.', 'desk start and stop'],
      ],
      filters.action ?? '',
    ),
    textField('object', 'Object', filters.object ?? '', 'case:12, user:alice'),
    timeField('from', 'From'),
    timeField('to', 'Before'),
    h(
      'div',
      { class: 'filter-buttons' },
      h('button', { type: 'submit', class: 'button button-primary', id: 'audit-apply' }, 'Apply'),
      h('a', { href: '/audit', class: 'button button-quiet' }, 'Clear'),
    ),
  );
}

export async function auditPage(context: PageContext): Promise<void> {
  const { main, session, search, signal } = context;
  if (!may(session.role, 'read_audit')) {
    fill(main, h('h1', null, 'Audit trail'), notice('error', 'Only supervisors and auditors read the audit trail.'));
    return;
  }
  const filters: Filters = {};
  for (const name of [...kFilterNames, 'after'] as const) {
    const value = search.get(name);
    if (value) filters[name] = value;
  }
  const state = h('div', { id: 'audit-state-box' });
  const recheck = h(
    'button',
    {
      type: 'button',
      class: 'button',
      id: 'audit-verify',
      on: {
        click: async () => {
          recheck.setAttribute('disabled', '');
          try {
            const { verification } = await api.verifyAudit();
            fill(state, verificationBanner(verification));
          } catch (error) {
            fill(state, notice('error', (error as Error).message));
          } finally {
            recheck.removeAttribute('disabled');
          }
        },
      },
    },
    'Verify the whole chain again',
  );
  const { entries, next_after, verification } = await api.audit({ ...filters, limit: '100' });
  if (signal.aborted) return;
  fill(state, verificationBanner(verification));
  const rows = entries.map((entry) =>
    h(
      'tr',
      { 'data-seq': String(entry.seq), 'data-action': entry.action },
      h('td', { class: 'nowrap' }, String(entry.seq)),
      h('td', { class: 'small nowrap' }, time(entry.at_ms)),
      h('td', null, entry.actor, ' ', h('span', { class: `badge role-${entry.role}` }, words(entry.role))),
      h('td', { class: 'nowrap' }, entry.action),
      h('td', null, objectLink(entry.object)),
      h('td', null, change(entry)),
      h('td', { class: 'mono small', title: `hash ${entry.hash}\nprevious ${entry.prev_hash}` }, entry.hash.slice(0, 12) + '…'),
    ),
  );
  const next = next_after ? '/audit' + query({ ...filters, after: String(next_after) }) : '';
  fill(
    main,
    h('div', { class: 'page-head' }, h('h1', null, 'Audit trail'), recheck),
    h(
      'p',
      { class: 'muted small' },
      'Every change the desk made, oldest first. Each entry carries the SHA-256 of the one before it; the desk signs the newest entry with its Ed25519 key every few minutes. An auditor checks a copy offline with ',
      h('code', null, 'nexus audit export'),
      ' and ',
      h('code', null, 'nexus audit verify --export FILE --key desk-audit.key.pub'),
      '.',
    ),
    state,
    filterForm(filters, context),
    entries.length === 0
      ? notice('info', 'No entry matches these filters.')
      : dataTable({ id: 'audit-table' }, ['#', 'When', 'Who', 'Action', 'Object', 'Change', 'Hash'], rows),
    h(
      'div',
      { class: 'queue-foot' },
      h('span', { class: 'muted small' }, `${entries.length} entries on this page`),
      next ? h('a', { href: next, class: 'button', id: 'audit-next' }, 'Next page') : null,
    ),
  );
}
