// The alert queue (/alerts): filters and sort kept in the page's address (so back, reload
// and a pasted link show the same queue), the counts by status, one page of alerts with a
// next-page cursor, j/k/Enter to move and open, x to select and bulk assignment.
import { api, type AlertSummary, query, type StatusCounts } from '../api';
import { dataTable, fill, form, h, notice, selectField, textField } from '../dom';
import { severityBadge, statusBadge, time } from '../format';
import type { PageContext } from '../page';
import { may } from '../roles';

const kFilterNames = [
  'status',
  'severity',
  'rule',
  'typology',
  'subject',
  'assignee',
  'sanctions',
  'q',
  'sort',
  'order',
] as const;
type FilterName = (typeof kFilterNames)[number];
type Filters = Partial<Record<FilterName | 'cursor', string>>;

const kPageSize = '50';

const select = (name: FilterName, label: string, options: [string, string][], value: string) =>
  selectField(name, label, options, value);
const text = (name: FilterName, label: string, value: string, placeholder = '') =>
  textField(name, label, value, placeholder, name === 'q');

function filterForm(filters: Filters, context: PageContext): HTMLFormElement {
  const get = (name: FilterName) => filters[name] ?? '';
  return form(
    { class: 'filters', id: 'queue-filters' },
    (element) => {
      const data = new FormData(element);
      const next: Record<string, string> = {};
      for (const name of kFilterNames) next[name] = String(data.get(name) ?? '').trim();
      context.navigate('/alerts' + query(next));
    },
    text('q', 'Search', get('q'), 'names, subject, remittance text, listed names'),
    select(
      'status',
      'Status',
      [
        ['', 'any'],
        ['new,in_review,escalated', 'open'],
        ['new', 'new'],
        ['in_review', 'in review'],
        ['escalated', 'escalated'],
        ['closed', 'closed'],
      ],
      get('status'),
    ),
    select(
      'severity',
      'Severity',
      [
        ['', 'any'],
        ['high,critical', 'high or critical'],
        ['critical', 'critical'],
        ['high', 'high'],
        ['medium', 'medium'],
        ['low', 'low'],
      ],
      get('severity'),
    ),
    text('rule', 'Rule', get('rule'), 'rule id'),
    text('typology', 'Typology', get('typology')),
    text('subject', 'Subject', get('subject'), 'account'),
    text('assignee', 'Assignee', get('assignee')),
    select(
      'sanctions',
      'Sanctions',
      [
        ['', 'any'],
        ['true', 'with a hit'],
        ['false', 'without'],
      ],
      get('sanctions'),
    ),
    select(
      'sort',
      'Sort by',
      [
        ['', 'event time'],
        ['score', 'score'],
        ['severity', 'severity'],
      ],
      get('sort'),
    ),
    select(
      'order',
      'Order',
      [
        ['', 'descending'],
        ['asc', 'ascending'],
      ],
      get('order'),
    ),
    h(
      'div',
      { class: 'filter-buttons' },
      h('button', { type: 'submit', class: 'button button-primary', id: 'filter-apply' }, 'Apply'),
      h('a', { href: '/alerts', class: 'button button-quiet' }, 'Clear'),
    ),
  );
}

function countChips(counts: StatusCounts, filters: Filters): HTMLElement {
  const base: Filters = { ...filters };
  delete base.cursor;
  const chip = (status: string, label: string, count: number | null) => {
    const active = (filters.status ?? '') === status;
    return h(
      'a',
      {
        href: '/alerts' + query({ ...base, status }),
        class: active ? 'count-chip active' : 'count-chip',
        'data-status': status || 'all',
      },
      h('span', { class: 'count-label' }, label),
      count === null ? null : h('span', { class: 'count-value' }, count.toLocaleString('en-US')),
    );
  };
  const total = counts.new + counts.in_review + counts.escalated + counts.closed;
  return h(
    'div',
    { class: 'counts', id: 'queue-counts' },
    chip('', 'All', total),
    chip('new', 'New', counts.new),
    chip('in_review', 'In review', counts.in_review),
    chip('escalated', 'Escalated', counts.escalated),
    chip('closed', 'Closed', counts.closed),
  );
}

export async function queuePage(context: PageContext): Promise<void> {
  const { main, search, session, signal } = context;
  const filters: Filters = {};
  for (const name of [...kFilterNames, 'cursor'] as const) {
    const value = search.get(name);
    if (value) filters[name] = value;
  }
  const countFilters: Filters = { ...filters };
  delete countFilters.status;
  delete countFilters.cursor;
  delete countFilters.sort;
  delete countFilters.order;

  fill(main, h('h1', null, 'Alert queue'), h('p', { class: 'muted' }, 'Loading…'));
  const [page, counts] = await Promise.all([
    api.alerts({ ...filters, limit: kPageSize }),
    api.counts(countFilters),
  ]);
  if (signal.aborted) return;

  const canAssign = may(session.role, 'assign_case');
  const selected = new Set<string>();
  let cursorRow = 0;
  const rows: HTMLTableRowElement[] = [];
  const bulkBar = h('div', { class: 'bulk-bar', id: 'bulk-bar', hidden: true });
  const message = h('div', { class: 'form-message' });

  const open = (alert: AlertSummary) => context.navigate('/alerts/' + encodeURIComponent(alert.id));
  const moveTo = (index: number) => {
    if (rows.length === 0) return;
    rows[cursorRow]?.classList.remove('current');
    cursorRow = Math.max(0, Math.min(rows.length - 1, index));
    rows[cursorRow].classList.add('current');
    rows[cursorRow].scrollIntoView({ block: 'nearest' });
  };

  const renderBulk = () => {
    bulkBar.hidden = selected.size === 0;
    if (selected.size === 0) return;
    const cases = new Set(
      page.alerts.filter((alert) => selected.has(alert.id)).map((alert) => alert.case_id),
    );
    const assignee = h('input', {
      id: 'bulk-assignee',
      placeholder: 'user name',
      value: session.user,
    });
    fill(
      bulkBar,
      h('span', null, `${selected.size} selected (${cases.size} case${cases.size === 1 ? '' : 's'})`),
      form(
        { class: 'inline-form' },
        async () => {
          fill(message);
          const to = assignee.value.trim();
          let failed = 0;
          for (const caseId of cases) {
            try {
              await api.assign(caseId, to);
            } catch (error) {
              failed += 1;
              message.append(notice('error', `case ${caseId}: ${(error as Error).message}`));
            }
          }
          if (failed === 0) context.navigate(location.pathname + location.search, true);
        },
        h('label', { for: 'bulk-assignee' }, 'Assign to'),
        assignee,
        h('button', { type: 'submit', class: 'button button-primary', id: 'bulk-assign' }, 'Assign'),
      ),
    );
  };

  page.alerts.forEach((alert, index) => {
    const checkbox = h('input', {
      type: 'checkbox',
      'aria-label': `select alert ${alert.id}`,
      on: {
        change: () => {
          if (checkbox.checked) selected.add(alert.id);
          else selected.delete(alert.id);
          row.classList.toggle('checked', checkbox.checked);
          renderBulk();
        },
      },
    });
    const row = h(
      'tr',
      {
        'data-alert-id': alert.id,
        'data-case-id': alert.case_id,
        'data-severity': alert.severity,
        class: 'queue-row',
        on: {
          click: (event) => {
            const target = event.target as Element;
            if (target.closest('input, a, label')) return;
            moveTo(index);
            open(alert);
          },
        },
      },
      canAssign && h('td', { class: 'cell-check' }, checkbox),
      h('td', null, severityBadge(alert.severity)),
      h('td', { class: 'num' }, alert.score.toFixed(0)),
      h(
        'td',
        null,
        h('a', { href: '/alerts/' + encodeURIComponent(alert.id), class: 'rule-link' }, alert.rule_id),
        h('span', { class: 'muted small' }, ` v${alert.rule_version}`),
      ),
      h(
        'td',
        { class: 'subject-cell' },
        alert.subject_name ? h('div', { class: 'subject-name' }, alert.subject_name) : null,
        h('div', { class: 'mono small' + (alert.subject_name ? ' muted' : '') }, alert.subject || '—'),
      ),
      h('td', null, alert.typologies.map((typology) => h('span', { class: 'tag' }, typology))),
      h('td', { class: 'nowrap small' }, time(alert.event_time_ms)),
      h('td', null, statusBadge(alert.status)),
      h('td', { class: 'assignee' }, alert.assignee || h('span', { class: 'muted' }, 'unassigned')),
      h('td', null, h('a', { href: `/cases/${alert.case_id}` }, `#${alert.case_id}`)),
      h('td', null, alert.has_sanctions_hit ? h('span', { class: 'badge sanctions' }, 'hit') : ''),
    );
    rows.push(row);
  });

  const base: Filters = { ...filters };
  delete base.cursor;
  const pager = h(
    'div',
    { class: 'pager' },
    filters.cursor && h('a', { href: '/alerts' + query(base), class: 'button button-quiet' }, '« First page'),
    page.next_cursor &&
      h(
        'a',
        {
          href: '/alerts' + query({ ...base, cursor: page.next_cursor }),
          class: 'button',
          id: 'next-page',
        },
        'Next page »',
      ),
  );

  fill(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, 'Alert queue'),
      countChips(counts, filters),
    ),
    filterForm(filters, context),
    message,
    bulkBar,
    page.alerts.length === 0
      ? notice('info', 'No alert matches these filters.')
      : dataTable(
          { class: 'queue', id: 'queue-table', 'data-rows': page.alerts.length },
          [
            ...(canAssign ? [''] : []),
            ...['Severity', 'Score', 'Rule', 'Subject', 'Typologies', 'Event time', 'Status', 'Assignee', 'Case', 'Sanctions'],
          ],
          rows,
        ),
    h(
      'div',
      { class: 'queue-foot' },
      h(
        'p',
        { class: 'muted small keys' },
        h('kbd', null, 'j'),
        ' / ',
        h('kbd', null, 'k'),
        ' move, ',
        h('kbd', null, 'Enter'),
        ' opens',
        canAssign ? [', ', h('kbd', null, 'x'), ' selects'] : [],
        ', ',
        h('kbd', null, '/'),
        ' searches. ',
        `${page.alerts.length} alert${page.alerts.length === 1 ? '' : 's'} on this page.`,
      ),
      pager,
    ),
  );
  moveTo(0);

  document.addEventListener(
    'keydown',
    (event) => {
      const target = event.target as Element | null;
      if (target && target.closest('input, select, textarea, button')) return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === 'j') moveTo(cursorRow + 1);
      else if (event.key === 'k') moveTo(cursorRow - 1);
      else if (event.key === 'Enter' && page.alerts[cursorRow]) open(page.alerts[cursorRow]);
      else if (event.key === 'x' && canAssign && rows[cursorRow]) {
        rows[cursorRow].querySelector<HTMLInputElement>('input[type=checkbox]')?.click();
      } else if (event.key === '/') {
        document.getElementById('filter-q')?.focus();
      } else return;
      event.preventDefault();
    },
    { signal },
  );
}
