// The alert page (/alerts/{id}): why the rule fired (each evidence line: the observed value,
// the operator, the threshold), the transactions, the sanctions hits beside the payment's
// party with the decisions on that party (true match or false positive, with a reason; a
// supervisor revokes a false positive, which is an allow-list entry), the money-flow
// subgraph drawn with Cytoscape, and the other alerts of its case (one request: the case).
import type cytoscape from 'cytoscape';
import { api, type AlertBody, type Evidence, type HitDecision, type HitVerdict, type SanctionsHit, type Subgraph, type SubgraphEdge } from '../api';
import { dataTable, facts, fill, h, notice, section } from '../dom';
import { showAlerts } from '../alert_list';
import { drawSubgraph } from '../graph';
import { duration, severityBadge, statusBadge, time, timestamp, usd, words } from '../format';
import type { PageContext } from '../page';
import { may } from '../roles';

function evidenceTable(evidence: Evidence[]): HTMLElement {
  if (evidence.length === 0) return notice('info', 'The rule recorded no evidence lines.');
  return dataTable(
    { class: 'evidence', id: 'evidence-table' },
    ['What was compared', 'Observed', 'Operator', 'Threshold', 'Window', 'Detail'],
    evidence.map((line) =>
      h(
        'tr',
        { 'data-evidence': line.name ?? '' },
        h('td', { class: 'mono small' }, line.name ?? ''),
        h('td', { class: 'observed' }, line.observed ?? ''),
        h('td', { class: 'op' }, line.op ? h('span', { class: 'op-pill' }, line.op) : ''),
        h('td', { class: 'threshold' }, line.threshold ?? ''),
        h(
          'td',
          { class: 'small' },
          duration(line.window_ms),
          line.window_key ? h('div', { class: 'muted mono' }, 'by ' + line.window_key) : null,
          line.transaction_ids?.length
            ? h('div', { class: 'muted' }, `${line.transaction_ids.length} transaction${line.transaction_ids.length === 1 ? '' : 's'}`)
            : null,
          line.truncated ? h('div', { class: 'warn' }, 'window capped: older events dropped') : null,
        ),
        h('td', { class: 'small' }, line.detail ?? ''),
      ),
    ),
  );
}

/** The alert's transactions (the trigger first), then the subgraphs' other payments. */
function transactionsTable(body: AlertBody): HTMLElement {
  const namedBy = new Map<string, string[]>();
  const name = (id: string, by: string) => namedBy.set(id, [...new Set([...(namedBy.get(id) ?? []), by])]);
  for (const id of body.transaction_ids ?? []) namedBy.set(id, []);
  for (const line of body.evidence ?? []) for (const id of line.transaction_ids ?? []) name(id, line.name ?? '');
  const edges = new Map<string, SubgraphEdge>();
  for (const subgraph of body.subgraphs ?? []) {
    for (const edge of subgraph.edges ?? []) {
      if (!edge.transaction_id) continue;
      edges.set(edge.transaction_id, edge);
      name(edge.transaction_id, subgraph.label || 'money flow');
    }
  }
  const ids = [...namedBy.keys()];
  if (ids.length === 0) return notice('info', 'No transactions are named.');
  return dataTable(
    { id: 'transactions-table' },
    ['', 'Transaction', 'From', 'To', 'Amount', 'Time', 'Named by'],
    ids.map((id, index) => {
      const edge = edges.get(id);
      return h(
        'tr',
        { 'data-transaction': id },
        h('td', null, index === 0 && body.transaction_ids?.length ? h('span', { class: 'badge trigger' }, 'trigger') : ''),
        h('td', { class: 'mono small' }, id),
        h('td', { class: 'mono small' }, edge?.from ?? ''),
        h('td', { class: 'mono small' }, edge?.to ?? ''),
        h('td', { class: 'num' }, edge ? usd(edge.amount_usd) : ''),
        h('td', { class: 'small nowrap' }, edge ? timestamp(edge.time) : ''),
        h('td', { class: 'small mono muted' }, (namedBy.get(id) ?? []).join(', ')),
      );
    }),
  );
}

/** The evidence lines about one party ("beneficiary.name", "beneficiary.country", ...). */
function partyFacts(evidence: Evidence[], role: string): [string, string][] {
  const prefix = role + '.';
  return evidence
    .filter((line) => line.name?.startsWith(prefix) && !line.name.slice(prefix.length).includes('.'))
    .map((line) => [words(line.name!.slice(prefix.length)), line.observed ?? '']);
}

/** Who a hit is about, as decisions key it: the party's account in the evidence, else the alert's subject. */
function partyKeyOf(hit: SanctionsHit, evidence: Evidence[], subject: string): { key: string; account: boolean } {
  const account = evidence.find((line) => line.name === `${hit.party_role ?? ''}.account`)?.observed;
  return account ? { key: account, account: true } : { key: subject, account: false };
}

/** The list entry as decisions key it: "UN:QDi.299". */
function entryIdOf(hit: SanctionsHit): string {
  return `${hit.list ?? ''}:${hit.reference ?? ''}`;
}

const kVerdicts: [HitVerdict, string][] = [
  ['false_positive', 'false positive: not the listed party'],
  ['true_match', 'true match: the listed party'],
];

/** The decisions on a hit's party, and the forms to add one or revoke a false positive. */
function hitDecisions(hit: SanctionsHit, index: number, party: { key: string; account: boolean }, context: PageContext): HTMLElement {
  const { role } = context.session;
  const partyKey = party.key;
  const entry = entryIdOf(hit);
  const box = h('div', { class: 'hit-decisions', id: `hit-decisions-${index}`, 'data-party': partyKey, 'data-entry': entry });
  const message = h('div', { class: 'form-message' });
  const listBox = h('div', null, h('p', { class: 'muted small' }, 'Loading decisions…'));

  const run = async (button: HTMLButtonElement, call: () => Promise<unknown>, done: string) => {
    button.disabled = true;
    fill(message);
    try {
      await call();
      await draw();
      fill(message, notice('ok', done));
    } catch (error) {
      fill(message, notice('error', (error as Error).message));
    } finally {
      button.disabled = false;
    }
  };

  const row = (decision: HitDecision) => {
    const revocable = may(role, 'revoke_allow_list') && decision.verdict === 'false_positive' && !decision.revoked;
    const reason = h('input', { class: 'revoke-reason', placeholder: 'why it no longer stands', 'aria-label': 'reason to revoke' });
    const revoke: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        class: 'button button-danger',
        'data-action': 'revoke-hit',
        on: {
          click: () => {
            if (!reason.value.trim()) {
              fill(message, notice('error', 'Give the reason to revoke it.'));
              return;
            }
            void run(revoke, () => api.revokeHit(decision.id, reason.value.trim()), `Decision #${decision.id} revoked: the pair is no longer allow-listed.`);
          },
        },
      },
      'Revoke',
    );
    return h(
      'tr',
      { 'data-decision-id': decision.id, 'data-verdict': decision.verdict, 'data-revoked': String(decision.revoked), class: decision.list_entry_id === entry ? 'current' : '' },
      h('td', { class: 'mono small' }, decision.list_entry_id),
      h('td', null, h('span', { class: `badge verdict-${decision.verdict}` }, words(decision.verdict))),
      h('td', null, decision.reason),
      h('td', null, decision.decided_by),
      h('td', { class: 'small nowrap' }, time(decision.decided_ms)),
      h(
        'td',
        { class: 'small' },
        decision.revoked
          ? [h('span', { class: 'badge status-closed' }, 'revoked'), ` by ${decision.revoked_by}`, decision.revoked_ms ? `, ${time(decision.revoked_ms)}` : '']
          : decision.verdict === 'false_positive'
            ? h('span', { class: 'badge allow-listed' }, 'standing: allow-listed')
            : h('span', { class: 'badge' }, 'standing'),
      ),
      h('td', null, revocable ? h('div', { class: 'row-actions' }, reason, revoke) : null),
    );
  };

  const draw = async () => {
    const { decisions } = await api.hits(partyKey);
    if (context.signal.aborted) return;
    fill(
      listBox,
      decisions.length === 0
        ? h('p', { class: 'muted small' }, `No decision on ${partyKey} yet.`)
        : dataTable({ class: 'decisions' }, ['Entry', 'Verdict', 'Reason', 'By', 'When', 'State', ''], decisions.map(row)),
    );
  };

  const verdict = h('select', { id: `hit-verdict-${index}`, class: 'hit-verdict' }, kVerdicts.map(([value, label]) => h('option', { value }, label)));
  const reason = h('textarea', { id: `hit-reason-${index}`, class: 'hit-reason', rows: 2, placeholder: 'why: the date of birth, the country, the identifiers you compared' });
  const decide: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'button button-primary',
      'data-action': 'decide-hit',
      on: {
        click: () => {
          if (!reason.value.trim()) {
            fill(message, notice('error', 'Give the reason for the decision.'));
            return;
          }
          const chosen = verdict.value as HitVerdict;
          void run(decide, () => api.decideHit(partyKey, entry, chosen, reason.value.trim()), `Recorded: ${words(chosen)} for ${partyKey} against ${entry}.`).then(() => {
            if (message.querySelector('.notice-ok')) reason.value = '';
          });
        },
      },
    },
    'Record decision',
  );
  fill(
    box,
    h('h4', null, 'Decisions on ', h('span', { class: 'mono' }, partyKey)),
    party.account
      ? null
      : h('p', { class: 'muted small' }, `The alert names no account for the ${hit.party_role ?? 'party'}: decisions are kept on the alert’s subject.`),
    listBox,
    may(role, 'decide_hit')
      ? h(
          'div',
          { class: 'stack-form decide-form' },
          h('label', { for: `hit-verdict-${index}` }, `Your decision on ${entry}`),
          verdict,
          h('label', { for: `hit-reason-${index}` }, 'Reason'),
          reason,
          h('p', { class: 'muted small' }, 'A false positive allow-lists the pair: later hits of this party on this entry are marked decided. A supervisor can revoke it.'),
          decide,
        )
      : null,
    message,
  );
  void draw().catch((error) => fill(listBox, notice('error', (error as Error).message)));
  return box;
}

function sanctionsHits(hits: SanctionsHit[], evidence: Evidence[], trigger: string | undefined, subject: string, context: PageContext): HTMLElement {
  if (hits.length === 0) return notice('info', 'No sanctions-list hit on this alert.');
  return h(
    'div',
    { class: 'hits' },
    hits.map((hit, index) => {
      const party = partyFacts(evidence, hit.party_role ?? '');
      return h(
        'div',
        { class: 'hit-block' },
        h(
        'div',
        { class: 'hit', 'data-reference': hit.reference ?? '' },
        h(
          'div',
          { class: 'hit-side' },
          h('h3', null, 'Party in the payment: ', hit.party_role ?? 'unknown role'),
          party.length ? facts(party) : null,
          party.some(([field]) => field === 'name')
            ? null
            : h('p', { class: 'muted small' }, `The alert carries no name for this party: see the payment${trigger ? ' ' + trigger : ''}.`),
        ),
        h('div', { class: 'hit-versus', 'aria-hidden': 'true' }, '⇄'),
        h(
          'div',
          { class: 'hit-side hit-entry' },
          h('h3', null, 'List entry'),
          facts([
            ['List', hit.list],
            ['Reference', hit.reference],
            ['Listed name', hit.matched_name],
            ['Programme', hit.programme],
            ['Match score', hit.score === undefined ? undefined : `${Math.round(hit.score * 100)} %`],
            ['Basis', hit.basis],
          ]),
        ),
        ),
        may(context.session.role, 'read_cases') ? hitDecisions(hit, index, partyKeyOf(hit, evidence, subject), context) : null,
      );
    }),
  );
}

function subgraphPanel(subgraph: Subgraph, index: number, subject: string, graphs: cytoscape.Core[]): HTMLElement {
  const container = h('div', { class: 'graph', id: `subgraph-${index}`, 'data-label': subgraph.label ?? '' });
  const selection = h('p', { class: 'small muted graph-selection' }, 'Orange: the alert’s subject; arrows: payments, thicker for more money. Select an account or a payment to see it here.');
  const panel = h(
    'div',
    { class: 'subgraph' },
    h(
      'div',
      { class: 'subgraph-head' },
      h('strong', null, subgraph.label || 'money flow'),
      subgraph.detail ? h('span', { class: 'muted small' }, ' · ' + subgraph.detail) : null,
      h('span', { class: 'muted small' }, ` · ${(subgraph.nodes ?? []).length} accounts, ${(subgraph.edges ?? []).length} payments`),
      subgraph.truncated ? h('span', { class: 'warn small' }, ' · some payments left out to keep it small') : null,
    ),
    container,
    selection,
  );
  // Cytoscape measures its container, so it draws once the panel is in the page.
  requestAnimationFrame(() => {
    if (!container.isConnected) return;
    graphs.push(drawSubgraph(container, subgraph, subject, (text) => (selection.textContent = text)));
  });
  return panel;
}

export async function alertPage(context: PageContext): Promise<void> {
  const { main, params, signal } = context;
  const id = params[0];
  fill(main, h('p', { class: 'muted' }, 'Loading alert…'));
  const detail = await api.alert(id);
  if (signal.aborted) return;
  const body: AlertBody = typeof detail.alert === 'object' && detail.alert ? detail.alert : {};
  const evidence = body.evidence ?? [];
  const others = (detail.case_alert_ids ?? []).filter((other) => other !== detail.id);
  const graphs: cytoscape.Core[] = [];
  signal.addEventListener('abort', () => graphs.forEach((graph) => graph.destroy()));

  const siblingsBox = h('div', null, h('p', { class: 'muted small' }, 'Loading…'));
  fill(
    main,
    h('nav', { class: 'crumbs' }, h('a', { href: '/alerts' }, 'Queue'), ' › ', h('span', { class: 'mono' }, detail.id)),
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        null,
        h('h1', { id: 'alert-title' }, body.title || detail.rule_id),
        h(
          'div',
          { class: 'badges' },
          severityBadge(detail.severity),
          statusBadge(detail.status),
          h('span', { class: 'badge' }, `score ${detail.score.toFixed(0)}`),
          detail.has_sanctions_hit ? h('span', { class: 'badge sanctions' }, 'sanctions hit') : null,
        ),
      ),
      h('a', { href: `/cases/${detail.case_id}`, class: 'button button-primary', id: 'open-case' }, `Open case #${detail.case_id}`),
    ),
    h(
      'section',
      { class: 'panel summary' },
      facts([
        [
          'Subject',
          h(
            'span',
            null,
            detail.subject_name ? [h('span', { class: 'subject-name', id: 'subject-name' }, detail.subject_name), ' '] : null,
            detail.subject
              ? h('a', { class: 'mono', href: '/alerts?subject=' + encodeURIComponent(detail.subject), title: 'every alert on this subject' }, detail.subject)
              : '—',
          ),
        ],
        ['Rule', `${detail.rule_id} v${detail.rule_version}`],
        ['Typologies', detail.typologies.join(', ')],
        ['Event time', time(detail.event_time_ms)],
        ['Assignee', detail.assignee || 'unassigned'],
        ['Source', body.source],
        ['Rule set', body.ruleset_hash ? h('span', { class: 'mono small' }, body.ruleset_hash) : null],
      ]),
    ),
    section('Evidence', 'evidence', evidenceTable(evidence)),
    section('Sanctions hits', 'sanctions', sanctionsHits(body.sanctions_hits ?? [], evidence, body.transaction_ids?.[0], detail.subject, context)),
    section(
      'Money flow',
      'money-flow',
      (body.subgraphs ?? []).length === 0
        ? notice('info', 'This rule draws no network: it looked at single payments or one account’s aggregates.')
        : h('div', { class: 'subgraphs' }, (body.subgraphs ?? []).map((subgraph, index) => subgraphPanel(subgraph, index, detail.subject, graphs))),
    ),
    section('Transactions', 'transactions', transactionsTable(body)),
    section(`Other alerts of case #${detail.case_id}`, 'siblings', siblingsBox),
  );

  if (others.length === 0) {
    fill(siblingsBox, h('p', { class: 'muted' }, 'This is the only alert of its case.'));
    return;
  }
  // One request: the case answer carries its alerts as queue rows.
  const item = await api.case(detail.case_id);
  if (signal.aborted) return;
  const shown = item.alerts.filter((alert) => alert.id !== detail.id);
  showAlerts(siblingsBox, shown, item.alert_count - 1, detail.case_id);
}
