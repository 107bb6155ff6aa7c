// The alerts of a case as a short table (severity, rule, score, time, link), from the queue
// rows the case answer carries (GET /cases/{id} `alerts`): one request for the whole table.
// With `selected`, each row gets a check box that adds or removes its id (the case page's
// split).
import type { AlertSummary } from './api';
import { dataTable, fill, h } from './dom';
import { severityBadge, time } from './format';

export interface AlertListOptions {
  /** The alert the page is about: marked, and left out of nothing. */
  current?: string;
  /** Ids to check: rows get a check box bound to this set. */
  selected?: Set<string>;
  /** Called after a check box changes. */
  onSelect?: () => void;
}

function table(alerts: AlertSummary[], options: AlertListOptions): HTMLElement {
  const { current = '', selected, onSelect } = options;
  return dataTable(
    { class: 'case-alerts', id: 'case-alerts-table' },
    [...(selected ? [''] : []), 'Severity', 'Rule', 'Score', 'Event time', 'Alert'],
    alerts.map((alert) =>
      h(
        'tr',
        { 'data-alert-id': alert.id, class: alert.id === current ? 'current' : '' },
        selected
          ? h(
              'td',
              { class: 'cell-check' },
              h('input', {
                type: 'checkbox',
                class: 'split-check',
                'aria-label': 'select ' + alert.id,
                'data-alert-id': alert.id,
                checked: selected.has(alert.id),
                on: {
                  change: (event: Event) => {
                    if ((event.target as HTMLInputElement).checked) selected.add(alert.id);
                    else selected.delete(alert.id);
                    onSelect?.();
                  },
                },
              }),
            )
          : null,
        h('td', null, severityBadge(alert.severity)),
        h('td', null, alert.rule_id, h('span', { class: 'muted small' }, ` v${alert.rule_version}`)),
        h('td', { class: 'num' }, alert.score.toFixed(0)),
        h('td', { class: 'small nowrap' }, time(alert.event_time_ms)),
        h('td', null, h('a', { href: '/alerts/' + encodeURIComponent(alert.id), class: 'mono small' }, alert.id)),
      ),
    ),
  );
}

/** Fills `box` with `alerts` (of `total` in case `caseId`): a table, and a note when some are not shown. */
export function showAlerts(box: HTMLElement, alerts: AlertSummary[], total: number, caseId: number, options: AlertListOptions = {}): void {
  fill(
    box,
    table(alerts, options),
    total > alerts.length
      ? h('p', { class: 'muted small' }, `${total - alerts.length} more alerts in `, h('a', { href: `/cases/${caseId}` }, `case #${caseId}`), ' are not shown.')
      : null,
  );
}
