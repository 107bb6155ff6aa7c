// The case page (/cases/{id}): the case's facts, the actions its user's role may take in
// its status (review, escalate, de-escalate, reopen, close with a reason, propose a close,
// approve or reject a pending proposal, assign, comment, snooze and wake, merge another
// case into this one, split checked alerts off into a new case), the desk's refusals shown
// as it words them, the timeline of every event with actor and time, and the case's alerts
// (from the case answer itself: one request).
import { api, type CaseDetail, type Download, type CaseEvent, type CloseReason, type Proposal, type Status } from '../api';
import { showAlerts } from '../alert_list';
import { type Child, dataTable, facts, fill, h, notice, section } from '../dom';
import { severityBadge, statusBadge, time, words } from '../format';
import type { PageContext } from '../page';
import { may } from '../roles';

const kReasons: [CloseReason, string][] = [
  ['false_positive', 'false positive'],
  ['explained', 'explained (legitimate activity)'],
  ['reported', 'reported (suspicious activity report filed)'],
];

/** What one timeline event says, in words, from its kind and details. */
function describe(event: CaseEvent): Child[] {
  const details = (typeof event.details === 'object' && event.details ? event.details : {}) as Record<string, unknown>;
  const text = (key: string) => (details[key] === undefined || details[key] === null ? '' : String(details[key]));
  const note = text('note') ? h('blockquote', { class: 'note' }, text('note')) : null;
  switch (event.kind) {
    case 'created':
      return ['Case opened by the desk for alert ', h('a', { href: '/alerts/' + encodeURIComponent(text('alert')), class: 'mono' }, text('alert'))];
    case 'status':
      return ['Status changed from ', h('strong', null, words(text('from'))), ' to ', h('strong', null, words(text('to'))), note];
    case 'reopened':
      return ['Reopened: ', words(text('from')), ' → ', h('strong', null, words(text('to'))), note];
    case 'assigned':
      return text('to')
        ? ['Assigned to ', h('strong', null, text('to')), text('from') ? ` (was ${text('from')})` : '']
        : ['Unassigned', text('from') ? ` (was ${text('from')})` : ''];
    case 'comment':
      return [h('blockquote', { class: 'comment' }, text('text'))];
    case 'snoozed':
      return [details.until_ms ? `Snoozed until ${time(Number(details.until_ms))}` : 'Woken from snooze'];
    case 'merged':
      return ['Merged case ', h('a', { href: `/cases/${text('from')}` }, `#${text('from')}`), ` into this one (${text('alerts')} alerts moved)`];
    case 'merged_into':
      return ['Merged into case ', h('a', { href: `/cases/${text('into')}` }, `#${text('into')}`), ` (${text('alerts')} alerts moved; was ${words(text('was'))})`];
    case 'split':
      return [`Split ${text('alerts')} alerts off into case `, h('a', { href: `/cases/${text('new_case')}` }, `#${text('new_case')}`)];
    case 'split_from':
      return [`Opened by splitting ${text('alerts')} alerts off case `, h('a', { href: `/cases/${text('case')}` }, `#${text('case')}`)];
    case 'close_proposed':
      return [
        'Proposed to close as ',
        h('strong', null, words(text('reason'))),
        ` (proposal #${text('proposal')}${details.four_eyes ? ', needs four eyes' : ''})`,
        note,
      ];
    case 'close_approved':
      return [`Approved close proposal #${text('proposal')} by `, h('strong', null, text('proposed_by')), note];
    case 'close_rejected':
      return [`Rejected close proposal #${text('proposal')} by `, h('strong', null, text('proposed_by')), note];
    case 'closed':
      return [
        'Closed as ',
        h('strong', null, words(text('reason'))),
        text('from') ? ` (from ${words(text('from'))})` : '',
        text('proposed_by') ? `, proposed by ${text('proposed_by')}` : '',
        note,
      ];
    default:
      return [
        words(event.kind),
        Object.keys(details).length ? h('code', { class: 'details' }, JSON.stringify(details)) : null,
      ];
  }
}

function timeline(events: CaseEvent[]): HTMLElement {
  if (events.length === 0) return notice('info', 'Nothing has happened on this case yet.');
  return h(
    'ol',
    { class: 'timeline', id: 'timeline' },
    events.map((event) =>
      h(
        'li',
        { class: `event event-${event.kind}`, 'data-kind': event.kind, 'data-actor': event.actor },
        h(
          'div',
          { class: 'event-head' },
          h('span', { class: 'event-kind' }, words(event.kind)),
          h('span', { class: 'event-actor' }, event.actor),
          h('time', { class: 'event-time', datetime: new Date(event.at_ms).toISOString() }, time(event.at_ms)),
        ),
        h('div', { class: 'event-body' }, describe(event)),
      ),
    ),
  );
}

interface Runner {
  /** Runs an API call, shows its refusal or `done` (made after the call), and redraws the case on success. */
  run: (button: HTMLButtonElement | null, call: () => Promise<unknown>, done: string | (() => HTMLElement)) => Promise<void>;
}

const kDayMs = 86_400_000;

/** A date box's value (YYYY-MM-DD) as the start of that day in UTC, or NaN. */
function dayStart(value: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
}

function isOpen(item: CaseDetail): boolean {
  return item.status !== 'closed' && !item.merged_into;
}

function actionButton(label: string, action: string, kind: string, onClick: (button: HTMLButtonElement) => void): HTMLButtonElement {
  const button: HTMLButtonElement = h(
    'button',
    { type: 'button', class: `button ${kind}`, 'data-action': action, on: { click: () => onClick(button) } },
    label,
  );
  return button;
}

function statusActions(item: CaseDetail, context: PageContext, runner: Runner): HTMLElement | null {
  const role = context.session.role;
  const buttons: HTMLButtonElement[] = [];
  const to = (status: Status, label: string, action: string, done: string) =>
    buttons.push(actionButton(label, action, 'button-primary', (button) => void runner.run(button, () => api.setStatus(item.id, status), done)));
  if (item.merged_into) return null;
  if (item.status === 'new' && may(role, 'review_case')) to('in_review', 'Start review', 'review', 'The case is in review.');
  if (item.status === 'in_review' && may(role, 'review_case')) to('escalated', 'Escalate', 'escalate', 'The case is escalated to a supervisor.');
  if (item.status === 'escalated' && may(role, 'deescalate_case')) to('in_review', 'De-escalate', 'deescalate', 'The case is back in review.');
  if (item.status === 'closed' && may(role, 'reopen_case')) to('in_review', 'Reopen', 'reopen', 'The case is reopened for review.');
  if (buttons.length === 0) return null;
  return h('div', { class: 'action-group' }, h('h3', null, 'Status'), h('div', { class: 'button-row' }, buttons));
}

function closeForm(item: CaseDetail, context: PageContext, runner: Runner, pending: boolean): HTMLElement | null {
  if (!may(context.session.role, 'close_case')) return null;
  if (item.status !== 'in_review' && item.status !== 'escalated') return null;
  const reason = h(
    'select',
    { id: 'close-reason', name: 'reason' },
    kReasons.map(([value, label]) => h('option', { value }, label)),
  );
  const note = h('textarea', { id: 'close-note', name: 'note', rows: 2, placeholder: 'why: the facts that explain the activity' });
  const fourEyes = item.max_severity === 'high' || item.max_severity === 'critical';
  return h(
    'div',
    { class: 'action-group', id: 'close-form' },
    h('h3', null, 'Close'),
    h('label', { for: 'close-reason' }, 'Reason'),
    reason,
    h('label', { for: 'close-note' }, 'Note'),
    note,
    h(
      'p',
      { class: 'muted small' },
      fourEyes
        ? 'This case holds a high or critical alert: its close needs four eyes. Propose the close; a supervisor other than you approves it.'
        : 'Closing as reported needs four eyes: propose it, and a supervisor other than you approves it.',
    ),
    h(
      'div',
      { class: 'button-row' },
      actionButton('Close case', 'close', 'button-danger', (button) =>
        void runner.run(button, () => api.close(item.id, reason.value as CloseReason, note.value.trim()), 'The case is closed.'),
      ),
      // One proposal at a time: while one waits, the desk refuses another.
      !pending &&
        actionButton('Propose close', 'propose-close', 'button-primary', (button) =>
          void runner.run(button, () => api.proposeClose(item.id, reason.value as CloseReason, note.value.trim()), 'The close is proposed; a supervisor decides it.'),
        ),
    ),
  );
}

function pendingProposal(proposal: Proposal, context: PageContext, runner: Runner): HTMLElement {
  const { role, user } = context.session;
  const mine = proposal.proposed_by === user;
  const note = h('textarea', { id: 'decision-note', rows: 2, placeholder: 'your reasons (kept in the timeline)' });
  return h(
    'div',
    { class: 'proposal-pending', id: 'pending-proposal', 'data-proposal-id': proposal.id },
    h('h3', null, `Close proposal #${proposal.id} is waiting`),
    h(
      'p',
      null,
      h('strong', null, proposal.proposed_by),
      ` proposes to close as `,
      h('strong', null, words(proposal.reason)),
      ` (${time(proposal.proposed_ms)}).`,
    ),
    proposal.note ? h('blockquote', { class: 'note' }, proposal.note) : null,
    may(role, 'approve_close') && !mine
      ? [
          h('label', { for: 'decision-note' }, 'Note'),
          note,
          h(
            'div',
            { class: 'button-row' },
            actionButton('Approve close', 'approve', 'button-primary', (button) =>
              void runner.run(button, () => api.approve(proposal.id, note.value.trim()), 'Approved: the case is closed.'),
            ),
            actionButton('Reject', 'reject', 'button-danger', (button) =>
              void runner.run(button, () => api.reject(proposal.id, note.value.trim()), 'Rejected: the case stays open.'),
            ),
          ),
        ]
      : h('p', { class: 'muted small' }, mine ? 'You proposed it: another user, a supervisor, decides it.' : 'A supervisor decides it.'),
  );
}

/** Saves a download in the browser under its file name. */
function save(file: Download): void {
  const url = URL.createObjectURL(file.blob);
  const link = h('a', { href: url, download: file.filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The case's exports for the FIU: the goAML report (from an escalated case, or one closed as reported). */
function exportActions(item: CaseDetail, context: PageContext, runner: Runner): HTMLElement | null {
  const reported = item.status === 'closed' && item.close_reason === 'reported';
  if (!may(context.session.role, 'export_case') || (item.status !== 'escalated' && !reported)) return null;
  const exported = (what: string, file: Download) =>
    h(
      'div',
      { class: 'notice notice-ok', role: 'status', id: 'export-done', 'data-file': file.filename, 'data-sha256': file.sha256 },
      `${what}: ${file.filename} downloaded (SHA-256 `,
      h('code', null, file.sha256.slice(0, 16) + '…'),
      `), recorded as audit entry ${file.auditSeq}.`,
    );
  let goaml: Download | null = null;
  let evidence: Download | null = null;
  return h(
    'div',
    { class: 'action-group', id: 'export-actions' },
    h('h3', null, 'Report to the FIU'),
    h('p', { class: 'muted small' }, 'The goAML report is validated against the 5.0.1 schema before it downloads; the evidence package holds the alerts, their payments, the rules, the list entries and the audit entries, signed. Every export is in the audit trail.'),
    h(
      'div',
      { class: 'button-row' },
      actionButton('goAML report (XML)', 'export-goaml', 'button-primary', (button) =>
        void runner.run(
          button,
          async () => {
            goaml = await api.goaml(item.id);
            save(goaml);
          },
          () => exported('goAML report', goaml as Download),
        ),
      ),
      actionButton('Evidence package (signed tar)', 'export-evidence', '', (button) =>
        void runner.run(
          button,
          async () => {
            evidence = await api.evidence(item.id);
            save(evidence);
          },
          () => exported('Evidence package', evidence as Download),
        ),
      ),
    ),
    h('p', { class: 'muted small' }, 'Check a package offline: nexus evidence verify FILE --key desk-audit.key.pub, and nexus evidence replay FILE.'),
  );
}

function assignForm(item: CaseDetail, context: PageContext, runner: Runner): HTMLElement | null {
  if (!may(context.session.role, 'assign_case') || item.status === 'closed') return null;
  const assignee = h('input', { id: 'assign-to', placeholder: 'user name', value: item.assignee });
  return h(
    'div',
    { class: 'action-group' },
    h('h3', null, 'Assign'),
    h(
      'div',
      { class: 'inline-form' },
      assignee,
      actionButton('Assign', 'assign', '', (button) =>
        void runner.run(button, () => api.assign(item.id, assignee.value.trim()), assignee.value.trim() ? `Assigned to ${assignee.value.trim()}.` : 'Unassigned.'),
      ),
      item.assignee !== context.session.user &&
        actionButton('Assign to me', 'assign-me', 'button-quiet', (button) =>
          void runner.run(button, () => api.assign(item.id, context.session.user), 'Assigned to you.'),
        ),
    ),
  );
}

function commentForm(item: CaseDetail, context: PageContext, runner: Runner): HTMLElement | null {
  if (!may(context.session.role, 'comment_case')) return null;
  const text = h('textarea', { id: 'comment-text', rows: 3, placeholder: 'what you found, who you called, what you are waiting for' });
  return h(
    'div',
    { class: 'action-group' },
    h('h3', null, 'Comment'),
    text,
    h(
      'div',
      { class: 'button-row' },
      actionButton('Add comment', 'comment', '', (button) => void runner.run(button, () => api.comment(item.id, text.value), 'Comment added.')),
    ),
  );
}

function snoozeForm(item: CaseDetail, context: PageContext, runner: Runner, message: HTMLElement): HTMLElement | null {
  if (!may(context.session.role, 'snooze_case') || !isOpen(item)) return null;
  const tomorrow = new Date(Math.floor(Date.now() / kDayMs) * kDayMs + kDayMs).toISOString().slice(0, 10);
  const until = h('input', { id: 'snooze-until', type: 'date', min: tomorrow, value: item.snoozed_until_ms ? new Date(item.snoozed_until_ms).toISOString().slice(0, 10) : '' });
  const snoozed = item.snoozed_until_ms !== null && item.snoozed_until_ms > Date.now();
  return h(
    'div',
    { class: 'action-group', id: 'snooze-form' },
    h('h3', null, 'Snooze'),
    h(
      'p',
      { class: 'muted small' },
      snoozed
        ? `Hidden from the queue until ${time(item.snoozed_until_ms)}.`
        : 'Hide the case from the queue until the start of a day (UTC), e.g. while you wait for an answer.',
    ),
    h(
      'div',
      { class: 'inline-form' },
      until,
      actionButton(snoozed ? 'Snooze again' : 'Snooze', 'snooze', '', (button) => {
        const at = dayStart(until.value);
        if (Number.isNaN(at) || at <= Date.now()) {
          fill(message, notice('error', 'Pick a day after today to snooze until.'));
          return;
        }
        void runner.run(button, () => api.snooze(item.id, at), `Snoozed until ${time(at)}.`);
      }),
      snoozed &&
        actionButton('Wake now', 'wake', 'button-quiet', (button) => void runner.run(button, () => api.snooze(item.id, null), 'Woken: the case is back in the queue.')),
    ),
  );
}

function mergeForm(item: CaseDetail, context: PageContext, runner: Runner): HTMLElement | null {
  if (!may(context.session.role, 'merge_split_cases') || !isOpen(item)) return null;
  const other = h('input', { id: 'merge-from', type: 'number', min: 1, placeholder: 'case id', inputmode: 'numeric' });
  const preview = h('div', { id: 'merge-preview' });
  const lookUp = async () => {
    const from = Number(other.value);
    fill(preview);
    if (!Number.isInteger(from) || from < 1) {
      fill(preview, notice('error', 'A case id is a whole number.'));
      return;
    }
    if (from === item.id) {
      fill(preview, notice('error', 'That is this case.'));
      return;
    }
    try {
      const found = await api.case(from);
      const name = found.alerts.find((alert) => alert.subject_name)?.subject_name ?? '';
      fill(
        preview,
        h(
          'div',
          { class: 'merge-preview', 'data-case-id': found.id, 'data-subject': found.subject },
          facts([
            ['Case', h('a', { href: `/cases/${found.id}` }, `#${found.id}`)],
            ['Subject', h('span', null, name ? [h('span', { class: 'subject-name' }, name), ' '] : null, h('span', { class: 'mono' }, found.subject || '—'))],
            ['Status', statusBadge(found.status)],
            ['Alerts', String(found.alert_count)],
          ]),
          found.subject !== item.subject ? h('p', { class: 'warn small' }, 'Another subject than this case’s: merge only when they are one party.') : null,
          actionButton(`Merge case #${found.id} into #${item.id}`, 'merge', 'button-primary', (button) =>
            void runner.run(button, () => api.merge(item.id, found.id), `Merged case #${found.id} into this one.`),
          ),
        ),
      );
    } catch (error) {
      fill(preview, notice('error', (error as Error).message));
    }
  };
  return h(
    'div',
    { class: 'action-group', id: 'merge-form' },
    h('h3', null, 'Merge'),
    h('p', { class: 'muted small' }, 'Move every alert of another case into this one; the other case closes as merged.'),
    h('div', { class: 'inline-form' }, other, actionButton('Look up', 'merge-lookup', '', () => void lookUp())),
    preview,
  );
}

function proposalsTable(proposals: Proposal[]): HTMLElement | null {
  if (proposals.length === 0) return null;
  return dataTable(
    { id: 'proposals' },
    ['#', 'Reason', 'Proposed by', 'When', 'State', 'Decided by', 'When'],
    proposals.map((proposal) =>
      h(
        'tr',
        { 'data-state': proposal.state },
        h('td', null, String(proposal.id)),
        h('td', null, words(proposal.reason)),
        h('td', null, proposal.proposed_by),
        h('td', { class: 'small nowrap' }, time(proposal.proposed_ms)),
        h('td', null, h('span', { class: `badge proposal-${proposal.state}` }, proposal.state)),
        h('td', null, proposal.decided_by || '—'),
        h('td', { class: 'small nowrap' }, time(proposal.decided_ms)),
      ),
    ),
  );
}

export async function casePage(context: PageContext): Promise<void> {
  const { main, params, signal } = context;
  const id = Number(params[0]);
  const message = h('div', { class: 'form-message', id: 'case-message' });
  const alertsBox = h('div');
  let flash: HTMLElement | null = null;

  const draw = async () => {
    const item = await api.case(id);
    if (signal.aborted) return;
    const runner: Runner = {
      run: async (button, call, done) => {
        if (button) button.disabled = true;
        fill(message);
        main.querySelector('.notice-ok')?.remove();
        try {
          await call();
          flash = typeof done === 'string' ? notice('ok', done) : done();
          await draw();
        } catch (error) {
          fill(message, notice('error', (error as Error).message));
          message.scrollIntoView({ block: 'nearest' });
        } finally {
          if (button) button.disabled = false;
        }
      },
    };
    const pending = item.proposals.find((proposal) => proposal.state === 'pending');
    const groups = [
      pending ? pendingProposal(pending, context, runner) : null,
      statusActions(item, context, runner),
      closeForm(item, context, runner, pending !== undefined),
      exportActions(item, context, runner),
      assignForm(item, context, runner),
      commentForm(item, context, runner),
      snoozeForm(item, context, runner, message),
      mergeForm(item, context, runner),
    ].filter((group): group is HTMLElement => group !== null);
    const actions =
      groups.length === 0
        ? h(
            'aside',
            { class: 'panel actions read-only', id: 'case-readonly' },
            h('h2', null, 'Actions'),
            h(
              'p',
              { class: 'muted' },
              context.session.role === 'auditor'
                ? 'You read as an auditor: every case and its timeline, and nothing to change.'
                : 'Nothing your role can do on this case in its status.',
            ),
          )
        : h('aside', { class: 'panel actions', id: 'case-actions' }, h('h2', null, 'Actions'), groups);
    fill(
      main,
      h('nav', { class: 'crumbs' }, h('a', { href: '/alerts' }, 'Queue'), ' › ', `Case #${item.id}`),
      h(
        'div',
        { class: 'page-head' },
        h(
          'div',
          null,
          h('h1', { id: 'case-title' }, `Case #${item.id}`),
          h(
            'div',
            { class: 'badges' },
            h('span', { id: 'case-status', 'data-status': item.status }, statusBadge(item.status)),
            severityBadge(item.max_severity),
            item.close_reason ? h('span', { class: 'badge' }, 'closed as ' + words(item.close_reason)) : null,
          ),
        ),
      ),
      flash,
      message,
      h(
        'div',
        { class: 'case-grid' },
        h(
          'div',
          { class: 'case-main' },
          h(
            'section',
            { class: 'panel summary' },
            facts([
              [
                'Subject',
                item.subject
                  ? h('a', { class: 'mono', href: '/alerts?subject=' + encodeURIComponent(item.subject), title: 'every alert on this subject' }, item.subject)
                  : '—',
              ],
              ['Assignee', item.assignee || 'unassigned'],
              ['Alerts', String(item.alert_count)],
              ['Opened', time(item.created_ms)],
              ['Last change', time(item.updated_ms)],
              ['Snoozed until', item.snoozed_until_ms ? time(item.snoozed_until_ms) : null],
              ['Merged into', item.merged_into ? h('a', { href: `/cases/${item.merged_into}` }, `case #${item.merged_into}`) : null],
            ]),
          ),
          section('Timeline', 'case-timeline', timeline(item.timeline)),
          item.proposals.length ? section('Close proposals', 'case-proposals', proposalsTable(item.proposals)) : null,
          section('Alerts', 'case-alerts', alertsBox),
        ),
        actions,
      ),
    );
    flash = null;
    // Split: check some (not all) alerts, and they move into a new case on the subject.
    const splittable = may(context.session.role, 'merge_split_cases') && isOpen(item) && item.alert_count > 1;
    const selected = new Set<string>();
    const splitButton = actionButton('Split checked alerts into a new case', 'split', '', (button) => {
      let created = 0;
      void runner.run(
        button,
        async () => {
          created = (await api.split(item.id, [...selected])).case_id;
        },
        () =>
          h('div', { class: 'notice notice-ok', role: 'status', id: 'split-done', 'data-case-id': created }, `Split ${selected.size} alert${selected.size === 1 ? '' : 's'} into `, h('a', { href: `/cases/${created}` }, `case #${created}`), '.'),
      );
    });
    splitButton.disabled = true;
    const boxTable = h('div');
    showAlerts(boxTable, item.alerts, item.alert_count, item.id, splittable ? { selected, onSelect: () => (splitButton.disabled = selected.size === 0) } : {});
    fill(
      alertsBox,
      boxTable,
      splittable
        ? h('div', { class: 'button-row split-row' }, splitButton, h('span', { class: 'muted small' }, 'Check some, not all: they move into a new case on this case’s subject.'))
        : null,
    );
  };
  fill(main, h('p', { class: 'muted' }, 'Loading case…'));
  await draw();
}
