// The rules page (/rules, every role, read-only): per rule id its title and severity, the
// versions the stored alerts carry, the rule sets they came from, and how many alerts it
// raised in the last 24 hours, the last 7 days and in all; with the desk's `rules:`
// directory, also the current definition (typologies, citation) and the rules that never
// alerted.
import { api, type RuleSummary } from '../api';
import { dataTable, fill, h, notice, section } from '../dom';
import { severityBadge, time } from '../format';
import type { PageContext } from '../page';
import { may } from '../roles';

function count(value: number, href: string | null): HTMLElement {
  const text = value.toLocaleString('en-US');
  return h('td', { class: 'num' }, href && value > 0 ? h('a', { href }, text) : text);
}

function row(rule: RuleSummary, linked: boolean): HTMLElement {
  const queue = linked ? '/alerts?rule=' + encodeURIComponent(rule.id) : null;
  const defined = rule.definition;
  const hashes = [...new Set(rule.versions.flatMap((version) => version.ruleset_hashes).filter(Boolean))];
  return h(
    'tr',
    { 'data-rule-id': rule.id, 'data-total': rule.total, class: rule.total === 0 ? 'quiet' : '' },
    h(
      'td',
      null,
      h('div', { class: 'mono rule-id' }, queue ? h('a', { href: queue }, rule.id) : rule.id),
      h('div', { class: 'rule-title' }, rule.title || '—'),
      defined?.source ? h('div', { class: 'muted small rule-source' }, defined.source) : null,
    ),
    h('td', null, severityBadge(rule.severity)),
    h(
      'td',
      { class: 'small' },
      defined ? h('div', null, h('strong', null, `v${defined.version}`), ' defined') : h('div', { class: 'muted' }, 'not in the rule set'),
      rule.versions.map((version) =>
        h(
          'div',
          { class: 'rule-version', 'data-version': version.version },
          `v${version.version}: ${version.total.toLocaleString('en-US')} alert${version.total === 1 ? '' : 's'}`,
          h('span', { class: 'muted', title: `first stored ${time(version.first_ms)}` }, `, last ${time(version.last_ms)}`),
        ),
      ),
    ),
    h('td', { class: 'small' }, defined?.typologies.join(', ') ?? ''),
    h('td', { class: 'mono small' }, hashes.length ? hashes.map((hash) => h('div', null, hash)) : '—'),
    count(rule.last_24h, queue),
    count(rule.last_7d, queue),
    count(rule.total, queue),
  );
}

export async function rulesPage(context: PageContext): Promise<void> {
  const { main, session, signal } = context;
  fill(main, h('p', { class: 'muted' }, 'Loading rules…'));
  const answer = await api.rules();
  if (signal.aborted) return;
  const linked = may(session.role, 'read_cases');
  const alerting = answer.rules.filter((rule) => rule.total > 0).length;
  fill(
    main,
    h('div', { class: 'page-head' }, h('h1', null, 'Rules')),
    h(
      'p',
      { class: 'muted', id: 'rules-help' },
      'Alerts are counted by when the desk stored them (their arrival), not by their event time: replayed and generated events carry times of their own. ',
      `Windows end now (${time(answer.now_ms)}).`,
    ),
    answer.rules_dir
      ? h('p', { class: 'small', id: 'rules-source' }, 'Definitions from ', h('code', null, answer.rules_dir), ', rule set ', h('code', null, answer.ruleset_hash ?? ''), '.')
      : notice('info', 'Only the rules seen in stored alerts are listed. Name the rule directory in the desk config (rules: path/to/rules in desk.yaml) to list every rule, also those that never alerted, with its definition.'),
    section(
      `${answer.rules.length} rules, ${alerting} with alerts`,
      'rules',
      answer.rules.length === 0
        ? notice('info', 'No rule and no alert yet.')
        : dataTable({ id: 'rules-table' }, ['Rule', 'Severity', 'Versions', 'Typologies', 'Rule set', 'Last 24 h', 'Last 7 d', 'Total'], answer.rules.map((rule) => row(rule, linked))),
    ),
  );
}
