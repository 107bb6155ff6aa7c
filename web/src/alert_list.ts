// The alerts of a case as a short table (severity, rule, score, time, link), read one by
// one from GET /alerts/{id}: the case answers with ids only. At most kMaxShown are read.
import { api, type AlertDetail, type AlertSummary } from './api';
import { dataTable, fill, h } from './dom';
import { severityBadge, time } from './format';

const kMaxShown = 25;

function table(alerts: AlertSummary[], current: string): HTMLElement {
  return dataTable(
    { class: 'case-alerts' },
    ['Severity', 'Rule', 'Score', 'Event time', 'Alert'],
    alerts.map((alert) =>
      h(
        'tr',
        { 'data-alert-id': alert.id, class: alert.id === current ? 'current' : '' },
        h('td', null, severityBadge(alert.severity)),
        h('td', null, alert.rule_id, h('span', { class: 'muted small' }, ` v${alert.rule_version}`)),
        h('td', { class: 'num' }, alert.score.toFixed(0)),
        h('td', { class: 'small nowrap' }, time(alert.event_time_ms)),
        h('td', null, h('a', { href: '/alerts/' + encodeURIComponent(alert.id), class: 'mono small' }, alert.id)),
      ),
    ),
  );
}

/** Fills `box` with the alerts `ids` (reading them now); `current` is marked, `caseId` linked for the rest. */
export async function showAlerts(box: HTMLElement, ids: string[], caseId: number, signal: AbortSignal, current = ''): Promise<void> {
  const shown = ids.slice(0, kMaxShown);
  fill(box, h('p', { class: 'muted small' }, `Loading ${shown.length} alert${shown.length === 1 ? '' : 's'}…`));
  const alerts = await Promise.all(shown.map((id) => api.alert(id).catch(() => null)));
  if (signal.aborted) return;
  fill(
    box,
    table(alerts.filter((alert): alert is AlertDetail => alert !== null), current),
    ids.length > shown.length
      ? h('p', { class: 'muted small' }, `${ids.length - shown.length} more alerts in `, h('a', { href: `/cases/${caseId}` }, `case #${caseId}`), '.')
      : null,
  );
}
