// The review desk in a real browser, as its users work it: the real `nexus desk` binary
// (NEXUS_BINARY, default ../build/dev/app/nexus) on a fresh SQLite store in a temp dir, fed
// the alerts of a `nexus generate` + `nexus replay` run plus one alert whose party name is
// HTML; Debian's Chromium (/usr/bin/chromium, never a downloaded browser) driven by
// playwright-core with a fresh profile directory.
//
// admin creates the analyst, supervisor and auditor on the users page, and an API token it
// sees once; the analyst filters the queue, records a false-positive decision on a
// sanctions hit, opens an alert (evidence, drawn subgraph), snoozes and wakes its case,
// merges another case into it and splits that case's alert off again, reviews and
// escalates, is told an escalated case is closed by a supervisor, and proposes the close;
// the supervisor approves it and revokes the false-positive decision; the auditor reads
// every step in the timeline, has no buttons, is refused a write (403), and reads the rules
// and lists pages. The HTML name stays text. Screenshots go to web/tests/screenshots/.
//
// Run: node web/tests/desk.spec.mjs (ctest: desk_browser). Exits non-zero on any failure.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const web = resolve(here, '..');
const binary = resolve(process.env.NEXUS_BINARY ?? join(web, '..', 'build', 'dev', 'app', 'nexus'));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const shots = join(here, 'screenshots');
const kPassword = 'correct horse battery staple';
const kHostileName = '<img src=x onerror=alert(1)>';
const kHostileSubject = 'XSS-SUBJECT-1';
// The UN list the screening tests use (shared/data beside the checkout, as in CI).
const kUnList = join(
  process.env.NEXUS_SHARED_DATA ?? resolve(web, '..', '..', 'shared', 'data'),
  'sanctions',
  'un_consolidated_2026-02-27.xml',
);
// An older UN list, imported first, so the lists page has a diff to show.
const kUnOlder = join(dirname(kUnList), 'un_consolidated.xml');
// The goAML schema the downloaded report is checked against, by xmllint (libxml2-utils).
const kGoamlSchema = join(dirname(kUnList), '..', 'goaml', 'goAMLSchema_5.0.1.xsd');

let dir;
let desk;
let deskOutput = '';
let url;
let adminPassword;
let context;
let page;
let target; // the alert the analyst works: high severity, with a drawn subgraph
let sanctionsAlert = ''; // the path of the alert whose hit the analyst decides
let reportTarget; // the alert whose case is reported to the FIU: another subject, several payments
const dialogs = [];
const pageErrors = [];
const cspViolations = [];

/** Generates transactions and replays them into alerts; adds the alert with an HTML name. */
function makeAlerts() {
  const tx = join(dir, 'tx.ndjson');
  const alertsFile = join(dir, 'alerts.ndjson');
  const lists = join(dir, 'lists');
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'] };
  execFileSync(binary, ['lists', 'import', '--data-dir', lists, kUnOlder], quiet);
  execFileSync(binary, ['lists', 'import', '--data-dir', lists, kUnList], quiet);
  execFileSync(binary, ['generate', '--seed', '7', '--accounts', '2000', '--transactions', '20000', '--listed-parties', '--out', tx], quiet);
  execFileSync(binary, ['replay', '--input', tx, '--lists', lists, '--out', alertsFile], quiet);
  const alerts = readFileSync(alertsFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        return null; // a cut-off last line is refused by the desk too
      }
    })
    .filter((alert) => alert && alert.id);
  const severity = (alert) => alert.severity;
  const graphed = alerts.filter(
    (alert) => severity(alert) === 'SEVERITY_HIGH' && (alert.subgraphs ?? []).some((graph) => (graph.edges ?? []).length >= 2),
  );
  assert.ok(graphed.length > 0, 'the generated data holds a high-severity alert with a subgraph');
  target = graphed[0];
  reportTarget = alerts
    // Not a network or nexus rule: its package replays from the bundle alone (README).
    .filter((alert) => alert.subject !== target.subject && ['SEVERITY_HIGH', 'SEVERITY_CRITICAL'].includes(severity(alert)) && !/^(NET|NX)-/.test(alert.rule_id))
    .sort((a, b) => (b.transaction_ids ?? []).length - (a.transaction_ids ?? []).length)[0];
  assert.ok(reportTarget && reportTarget.transaction_ids.length >= 2, 'a high alert on another subject with several payments');
  const hostile = structuredClone(alerts[0]);
  hostile.id = 'f'.repeat(32);
  hostile.subject = kHostileSubject;
  hostile.severity = 'SEVERITY_MEDIUM';
  hostile.title = 'Payment to ' + kHostileName;
  hostile.evidence = [
    { name: 'beneficiary.account', observed: kHostileSubject, op: '==', threshold: kHostileSubject },
    { name: 'beneficiary.name', observed: kHostileName, op: 'contains', threshold: '<script>alert(2)</script>' },
  ];
  hostile.sanctions_hits = [
    { party_role: 'beneficiary', list: 'TEST', reference: 'T-1', matched_name: kHostileName, score: 0.97, basis: '"><svg onload=alert(3)>' },
  ];
  delete hostile.subgraphs;
  writeFileSync(alertsFile, readFileSync(alertsFile, 'utf8').trimEnd() + '\n' + JSON.stringify(hostile) + '\n');
  return alertsFile;
}

function startDesk(alertsFile) {
  const config = join(dir, 'desk.yaml');
  // The rules the replay ran (the shipped packs) and the lists it screened against.
  writeFileSync(
    config,
    `web_dir: ${JSON.stringify(join(web, 'dist'))}\n` +
      `rules: ${JSON.stringify(join(web, '..', 'rules', 'packs'))}\n` +
      `lists: ${JSON.stringify(join(dir, 'lists'))}\n` +
      // The payments the alerts were made from: the goAML report and the evidence read them.
      `transactions: ${JSON.stringify(join(dir, 'tx.ndjson'))}\n`,
  );
  desk = spawn(binary, ['desk', '--config', config, '--alerts', alertsFile, '--store', join(dir, 'desk.db'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  desk.stderr.on('data', (chunk) => (deskOutput += chunk));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error('nexus desk printed no URL in 60 s:\n' + deskOutput)), 60_000);
    desk.on('exit', (code) => reject(new Error(`nexus desk exited (${code}):\n${deskOutput}`)));
    desk.stdout.on('data', (chunk) => {
      deskOutput += chunk;
      const password = /one-time password\s*\n\s*\n\s*(\S+)\s*\n/.exec(deskOutput);
      const at = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(deskOutput);
      if (password && at) {
        clearTimeout(timer);
        adminPassword = password[1];
        url = at[1];
        resolvePromise();
      }
    });
  });
}

async function shot(name, fullPage = true) {
  await page.screenshot({ path: join(shots, name), fullPage });
}

async function logIn(user, password = kPassword) {
  await page.goto(url + '/');
  await page.waitForSelector('#login-form');
  await page.fill('#login-user', user);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.waitForSelector(`.whoami[data-user="${user}"]`);
}

async function logOut() {
  await page.click('#log-out');
  await page.waitForSelector('#login-form');
}

/** Clicks an action button on the case page and waits for the redraw or the refusal. */
async function caseAction(action) {
  await page.click(`button[data-action="${action}"]`);
  await page.waitForSelector('.notice-ok, #case-message .notice-error');
}

before(async () => {
  assert.ok(existsSync(binary), `no nexus binary at ${binary} (set NEXUS_BINARY)`);
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: apt-get install chromium`);
  assert.ok(existsSync(kUnList), `no UN list at ${kUnList} (set NEXUS_SHARED_DATA to shared/data)`);
  assert.ok(existsSync(kUnOlder), `no older UN list at ${kUnOlder}`);
  assert.ok(existsSync(kGoamlSchema), `no goAML schema at ${kGoamlSchema}`);
  // The UI under test is the one in web/src: bundle it now (esbuild, about a second).
  execFileSync(process.execPath, [join(web, 'build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  dir = mkdtempSync(join(tmpdir(), 'nexus-desk-browser-'));
  mkdirSync(shots, { recursive: true });
  await startDesk(makeAlerts());
  context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1440, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(page.url() + ': ' + JSON.stringify(message.location()) + ' ' + message.text());
  });
});

after(async () => {
  await context?.close();
  if (desk && desk.exitCode === null) {
    // It records its stop and signs the audit chain's head on the way out: let it finish.
    const exited = new Promise((done) => desk.once('exit', done));
    desk.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 10000))]);
  }
  if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

test('the admin logs in with the one-time password and creates the analyst, supervisor and auditor', async () => {
  await page.goto(url + '/');
  await page.waitForSelector('#login-form');
  assert.match(page.url(), /\/login$/);
  await shot('01-login.png');
  await page.fill('#login-user', 'admin');
  await page.fill('#login-password', 'not the password');
  await page.click('#login-submit');
  await page.waitForSelector('#login-form .notice-error');
  assert.match(await page.textContent('#login-form .notice-error'), /wrong user name or password/);
  await logIn('admin', adminPassword);
  await page.waitForSelector('#users-table');
  assert.match(page.url(), /\/users$/);
  // The desk's own refusal is shown as it words it.
  await page.fill('#new-user-name', 'shorty');
  await page.fill('#new-user-password', 'short');
  await page.$eval('#new-user-password', (input) => input.removeAttribute('minlength'));
  await page.click('#new-user-submit');
  await page.waitForSelector('#users-message .notice-error');
  assert.match(await page.textContent('#users-message'), /12/);
  for (const [name, role] of [
    ['ana', 'analyst'],
    ['sam', 'supervisor'],
    ['aud', 'auditor'],
  ]) {
    await page.fill('#new-user-name', name);
    await page.selectOption('#new-user-role', role);
    await page.fill('#new-user-password', kPassword);
    await page.click('#new-user-submit');
    await page.waitForSelector(`#users-table tr[data-user="${name}"][data-role="${role}"]`);
  }
  assert.equal(await page.locator('#users-table tbody tr').count(), 4);
  await shot('02-users.png');
  // The one-time password is changed on the account page, and the new one logs in.
  await page.click('a.nav-link[href="/account"]');
  await page.waitForSelector('#change-password');
  await page.fill('#current-password', adminPassword);
  await page.fill('#new-password', 'the admin passphrase now');
  await page.fill('#new-password-again', 'the admin passphrase now');
  await page.click('#change-password button[type=submit]');
  await page.waitForSelector('#change-password .notice-ok');
  await shot('02-account.png');
  await logOut();
  await logIn('admin', 'the admin passphrase now');

  // An API token for a script acting as ana: shown once, with a copy button.
  await page.waitForSelector('#new-token');
  const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await page.fill('#new-token-label', 'case export job');
  await page.selectOption('#new-token-user', 'ana');
  await page.fill('#new-token-expires', expires);
  await page.click('#new-token-submit');
  await page.waitForSelector('#token-secret');
  const secret = await page.inputValue('#token-secret');
  assert.ok(secret.length >= 32, secret);
  assert.match(await page.textContent('#token-shown'), /will not be shown again/);
  await page.click('#token-copy');
  await page.waitForSelector('#token-copied:not(:empty)');
  await page.waitForSelector('#tokens-table tr[data-state="active"] >> text=case export job');
  await shot('02-token-once.png');
  const works = await page.evaluate(async (token) => (await fetch('/api/v1/alerts?limit=1', { headers: { Authorization: 'Bearer ' + token }, credentials: 'omit' })).status, secret);
  assert.equal(works, 200, 'the token acts as ana');
  // Once: after a reload the list shows the token, never the secret.
  await page.reload();
  await page.waitForSelector('#tokens-table');
  assert.equal(await page.locator('#token-secret').count(), 0);
  assert.ok(!(await page.content()).includes(secret), 'the secret is not on the page again');
  assert.match(await page.textContent('#tokens-table'), /ana/);
  await logOut();
});

test('the analyst filters the queue, opens a high alert and sees its evidence and drawn subgraph', async () => {
  await logIn('ana');
  await page.waitForSelector('#queue-table');
  const counts = await page.textContent('#queue-counts');
  assert.match(counts, /New\s*[\d,]+/);
  await shot('03-queue.png');
  // The next page comes through the cursor, and holds other alerts.
  const first = await page.$$eval('#queue-table tbody tr', (rows) => rows.map((row) => row.dataset.alertId));
  await page.click('#next-page');
  await page.waitForURL(/cursor=/);
  await page.waitForSelector('#queue-table');
  const second = await page.$$eval('#queue-table tbody tr', (rows) => rows.map((row) => row.dataset.alertId));
  assert.ok(second.length > 0 && second.every((id) => !first.includes(id)), 'page 2 holds other alerts');
  await page.goBack();
  await page.waitForSelector('#queue-table');

  // Alerts with a sanctions hit: the party beside the list entry.
  await page.selectOption('#filter-sanctions', 'true');
  await page.click('#filter-apply');
  await page.waitForURL(/sanctions=true/);
  await page.waitForSelector('#queue-table');
  assert.equal(
    await page.locator('#queue-table tbody tr').count(),
    await page.locator('#queue-table tbody tr .badge.sanctions').count(),
  );
  await page.click('#queue-table tbody tr:first-child .rule-link');
  await page.waitForSelector('#sanctions .hit');
  const hit = await page.textContent('#sanctions .hit');
  assert.match(hit, /List entry/);
  assert.match(hit, /UN/);
  // The analyst decides the hit: not the listed person (a false positive, allow-listing the pair).
  sanctionsAlert = new URL(page.url()).pathname;
  await page.waitForSelector('#hit-decisions-0 .decide-form');
  await page.selectOption('#hit-verdict-0', 'false_positive');
  await page.fill('#hit-reason-0', 'date of birth 1988 against the listed 1961; other country');
  await page.click('#hit-decisions-0 button[data-action="decide-hit"]');
  await page.waitForSelector('#hit-decisions-0 tr[data-verdict="false_positive"][data-revoked="false"]');
  assert.match(await page.textContent('#hit-decisions-0 .decisions'), /ana/);
  assert.match(await page.textContent('#hit-decisions-0 .decisions'), /date of birth 1988/);
  assert.equal(await page.locator('#hit-decisions-0 button[data-action="revoke-hit"]').count(), 0, 'an analyst does not revoke');
  await shot('04-alert-sanctions.png');
  await page.goBack();
  await page.waitForSelector('#filter-sanctions');
  await page.selectOption('#filter-sanctions', '');

  await page.selectOption('#filter-severity', 'high');
  await page.click('#filter-apply');
  await page.waitForURL(/severity=high/);
  await page.waitForSelector('#queue-table');
  const severities = await page.$$eval('#queue-table tbody tr', (rows) => rows.map((row) => row.dataset.severity));
  assert.ok(severities.length > 0);
  assert.deepEqual([...new Set(severities)], ['high']);

  await page.fill('#filter-subject', target.subject);
  await page.fill('#filter-rule', target.rule_id);
  await page.click('#filter-apply');
  await page.waitForURL(/subject=/);
  await page.waitForSelector(`#queue-table tr[data-alert-id="${target.id}"]`);
  await shot('05-queue-filtered.png');
  // j/k move the current row; Enter opens it.
  const ids = await page.$$eval('#queue-table tbody tr', (rows) => rows.map((row) => row.dataset.alertId));
  const index = ids.indexOf(target.id);
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  for (let i = 0; i < index; i += 1) await page.keyboard.press('j');
  assert.equal(await page.getAttribute('#queue-table tr.current', 'data-alert-id'), target.id);
  // x selects the current row; the bulk bar assigns the selected alerts' cases.
  await page.keyboard.press('x');
  await page.waitForSelector('#bulk-bar:not([hidden])');
  await page.fill('#bulk-assignee', 'ana');
  await page.click('#bulk-assign');
  await page.waitForSelector(`#queue-table tr[data-alert-id="${target.id}"] td.assignee >> text=ana`);
  for (let i = 0; i < index; i += 1) await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`/alerts/${target.id}$`));

  await page.waitForSelector('#evidence-table');
  const evidence = await page.$$eval('#evidence-table tbody tr', (rows) =>
    rows.map((row) => [...row.cells].map((cell) => cell.textContent.trim())),
  );
  assert.equal(evidence.length, target.evidence.length);
  const compared = target.evidence.find((line) => line.op && line.threshold);
  assert.ok(compared, 'the alert compares a value with a threshold');
  assert.ok(
    evidence.some((cells) => cells[0] === compared.name && cells[1] === compared.observed && cells[2] === compared.op && cells[3] === compared.threshold),
    `the evidence row ${compared.name} shows observed ${compared.op} threshold`,
  );
  await page.waitForSelector('#subgraph-0[data-nodes]');
  const nodes = Number(await page.getAttribute('#subgraph-0', 'data-nodes'));
  const edges = Number(await page.getAttribute('#subgraph-0', 'data-edges'));
  assert.ok(nodes >= 2 && edges >= 2, `drawn: ${nodes} nodes, ${edges} edges`);
  assert.ok((await page.locator('#subgraph-0 canvas').count()) > 0, 'Cytoscape drew on a canvas');
  assert.ok((await page.locator('#transactions-table tbody tr').count()) >= 1);
  await shot('06-alert.png');
  await page.click('#open-case');
  await page.waitForSelector('#case-title');
});

test('the analyst snoozes and wakes the case, merges another case into it and splits it off again', async () => {
  const caseId = await caseOfTarget();
  const kinds = () => page.$$eval('#timeline li', (items) => items.map((item) => item.dataset.kind));
  // Snooze until a day next week, then wake it.
  const until = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  await page.fill('#snooze-until', until);
  await caseAction('snooze');
  assert.match(await page.textContent('.summary'), /Snoozed until/);
  await page.waitForSelector('button[data-action="wake"]');
  await shot('06-case-snoozed.png');
  await caseAction('wake');
  assert.ok((await kinds()).filter((kind) => kind === 'snoozed').length === 2, 'snooze and wake are on the timeline');
  assert.doesNotMatch(await page.textContent('.summary'), /Snoozed until/);

  // Another subject's open case: shown before the merge is confirmed.
  const other = await page.evaluate(async ({ caseId, hostile }) => {
    const { alerts } = await (await fetch('/api/v1/alerts?status=new&limit=100')).json();
    return alerts.find((alert) => alert.case_id !== caseId && alert.subject && alert.subject !== hostile);
  }, { caseId, hostile: kHostileSubject });
  assert.ok(other, 'another open case');
  const before = (await page.$$eval('#case-alerts-table tbody tr', (rows) => rows.length));
  await page.fill('#merge-from', String(other.case_id));
  await page.click('button[data-action="merge-lookup"]');
  await page.waitForSelector(`#merge-preview .merge-preview[data-case-id="${other.case_id}"]`);
  assert.ok((await page.textContent('#merge-preview')).includes(other.subject), 'the other case’s subject before confirming');
  await shot('06-case-merge-preview.png');
  await caseAction('merge');
  assert.ok((await kinds()).includes('merged'));
  await page.waitForSelector(`#case-alerts-table tr[data-alert-id="${other.id}"]`);
  assert.ok((await page.$$eval('#case-alerts-table tbody tr', (rows) => rows.length)) > before);
  const merged = await page.evaluate(async (id) => (await (await fetch('/api/v1/cases/' + id)).json()).merged_into, other.case_id);
  assert.equal(merged, caseId);

  // Split the merged alerts off into a new case.
  const moved = await page.evaluate(async (subject) => {
    const { alerts } = await (await fetch('/api/v1/alerts?limit=100&subject=' + encodeURIComponent(subject))).json();
    return alerts.map((alert) => alert.id);
  }, other.subject);
  assert.equal(await page.locator('button[data-action="split"]').isDisabled(), true, 'nothing checked, nothing to split');
  for (const id of moved) await page.check(`.split-check[data-alert-id="${id}"]`);
  await shot('06-case-split-selected.png');
  await caseAction('split');
  await page.waitForSelector('#split-done');
  const created = Number(await page.getAttribute('#split-done', 'data-case-id'));
  assert.ok(created > 0 && created !== caseId && created !== other.case_id);
  assert.ok((await kinds()).includes('split'));
  assert.equal(await page.locator(`#case-alerts-table tr[data-alert-id="${other.id}"]`).count(), 0);
  const split = await page.evaluate(async (id) => (await (await fetch('/api/v1/cases/' + id)).json()), created);
  assert.deepEqual([...split.alert_ids].sort(), [...moved].sort());
  assert.equal(split.subject, target.subject, 'a split keeps the subject of the case it came from');
});

test('the analyst reviews and escalates, is told a supervisor closes it, and proposes the close', async () => {
  const status = () => page.getAttribute('#case-status', 'data-status');
  if ((await status()) === 'new') {
    await caseAction('review');
    assert.equal(await status(), 'in_review');
  }
  await page.fill('#comment-text', 'Payments fan in from accounts opened the same week.');
  await caseAction('comment');
  await caseAction('escalate');
  assert.equal(await status(), 'escalated');
  await page.selectOption('#close-reason', 'false_positive');
  await page.fill('#close-note', 'payroll of a seasonal employer');
  await caseAction('close');
  const refusal = await page.textContent('#case-message .notice-error');
  assert.match(refusal, /an escalated case is closed by a supervisor/);
  assert.equal(await status(), 'escalated');
  await shot('07-case-close-refused.png');
  await caseAction('propose-close');
  await page.waitForSelector('#pending-proposal');
  assert.match(await page.textContent('#pending-proposal'), /ana/);
  assert.equal(await page.locator('button[data-action="approve"]').count(), 0, 'the maker gets no approve button');
  await shot('08-case-proposed.png');
  await logOut();
});

test('the supervisor approves the proposal and the case is closed', async () => {
  await logIn('sam');
  const caseId = await caseOfTarget();
  await page.goto(`${url}/cases/${caseId}`);
  await page.waitForSelector('#pending-proposal');
  await page.fill('#decision-note', 'agreed: the employer is known');
  await caseAction('approve');
  assert.equal(await page.getAttribute('#case-status', 'data-status'), 'closed');
  await shot('09-case-approved.png');
  await logOut();
});

test('the supervisor revokes the analyst’s false-positive decision', async () => {
  await logIn('sam');
  await page.goto(url + sanctionsAlert);
  const row = '#hit-decisions-0 tr[data-verdict="false_positive"][data-revoked="false"]';
  await page.waitForSelector(row);
  await page.fill(`${row} .revoke-reason`, 'the 1988 date of birth was the account opener’s, not the payee’s');
  await page.click(`${row} button[data-action="revoke-hit"]`);
  await page.waitForSelector('#hit-decisions-0 tr[data-verdict="false_positive"][data-revoked="true"]');
  assert.match(await page.textContent('#hit-decisions-0 tr[data-revoked="true"]'), /revoked.*sam/);
  assert.equal(await page.locator('#hit-decisions-0 button[data-action="revoke-hit"]').count(), 0);
  await shot('09-hit-revoked.png');
  await logOut();
});

/** The case of an alert, as the desk answers it to the logged-in user. */
async function caseOf(alertId) {
  return page.evaluate(async (id) => (await (await fetch('/api/v1/alerts/' + id)).json()).case_id, alertId);
}

test('the analyst escalates a second case and proposes to report it to the FIU', async () => {
  await logIn('ana');
  await page.goto(`${url}/cases/${await caseOf(reportTarget.id)}`);
  const status = () => page.getAttribute('#case-status', 'data-status');
  await page.waitForSelector('#case-status');
  if ((await status()) === 'new') await caseAction('review');
  assert.equal(await status(), 'in_review');
  await caseAction('escalate');
  assert.equal(await status(), 'escalated');
  assert.equal(await page.locator('button[data-action="export-goaml"]').count(), 0, 'an analyst exports nothing');
  await page.selectOption('#close-reason', 'reported');
  await page.fill('#close-note', 'funds pooled from many senders and moved on the same day: file an STR');
  await caseAction('propose-close');
  await page.waitForSelector('#pending-proposal');
  assert.match(await page.textContent('#pending-proposal'), /reported/);
  await logOut();
});

test('the supervisor approves the report and downloads the goAML XML, which validates against the schema', async () => {
  await logIn('sam');
  const caseId = await caseOf(reportTarget.id);
  await page.goto(`${url}/cases/${caseId}`);
  await page.waitForSelector('#pending-proposal');
  await page.fill('#decision-note', 'agreed: report it');
  await caseAction('approve');
  assert.equal(await page.getAttribute('#case-status', 'data-status'), 'closed');
  assert.match(await page.textContent('.page-head'), /closed as reported/);
  const downloaded = page.waitForEvent('download');
  await page.click('button[data-action="export-goaml"]');
  await page.waitForSelector('#export-done, #case-message .notice-error');
  if ((await page.locator('#case-message .notice-error').count()) > 0) {
    assert.fail('the export was refused: ' + (await page.textContent('#case-message .notice-error')));
  }
  const download = await downloaded;
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);
  assert.match(download.suggestedFilename(), new RegExp(`^case-${caseId}-goaml-STR\\.xml$`));
  // An independent check of the file as downloaded: xmllint against the UNODC schema.
  execFileSync('xmllint', ['--noout', '--nonet', '--schema', kGoamlSchema, file], { stdio: ['ignore', 'ignore', 'pipe'] });
  const xml = readFileSync(file, 'utf8');
  for (const id of reportTarget.transaction_ids) assert.ok(xml.includes(`<transactionnumber>${id}</transactionnumber>`), `transaction ${id} is in the report`);
  const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
  assert.equal(await page.getAttribute('#export-done', 'data-sha256'), digest, 'the page shows the SHA-256 of the file');
  await shot('15-case-reported.png');

  // The evidence package, checked offline with the desk's public key and re-run.
  const packaged = page.waitForEvent('download');
  await page.click('button[data-action="export-evidence"]');
  await page.waitForSelector('#export-done[data-file$="-evidence.tar"], #case-message .notice-error');
  if ((await page.locator('#case-message .notice-error').count()) > 0) {
    assert.fail('the evidence package was refused: ' + (await page.textContent('#case-message .notice-error')));
  }
  const tar = join(dir, (await packaged).suggestedFilename());
  await (await packaged).saveAs(tar);
  const verified = execFileSync(binary, ['evidence', 'verify', tar, '--key', join(dir, 'desk-audit.key.pub')], { encoding: 'utf8' });
  assert.match(verified, /verified/, verified);
  const replayed = execFileSync(binary, ['evidence', 'replay', tar, '--lists', join(dir, 'lists')], { encoding: 'utf8' });
  assert.match(replayed, new RegExp(reportTarget.id), replayed);
  assert.doesNotMatch(replayed, /differs/, replayed);
  await logOut();
});

test('the auditor sees the report, its approval and its export in the trail, verified', async () => {
  await logIn('aud');
  const caseId = await caseOf(reportTarget.id);
  await page.goto(`${url}/audit?object=case:${caseId}`);
  await page.waitForSelector('#audit-table');
  const rows = await page.$$eval('#audit-table tbody tr', (items) => items.map((item) => ({ action: item.dataset.action, text: item.textContent })));
  const seen = (action, text) => rows.some((row) => row.action === action && (!text || text.test(row.text)));
  assert.ok(seen('case.status', /ana.*escalated/), JSON.stringify(rows));
  assert.ok(seen('case.close_proposed', /ana.*reported/), 'the proposal to report');
  assert.ok(seen('case.close_approved', /sam/), 'the approval by sam');
  assert.ok(seen('report.goaml', /sam/), 'the goAML export by sam');
  assert.ok(seen('evidence.export', /sam/), 'the evidence package export by sam');
  await page.click('#audit-verify');
  await page.waitForFunction(() => document.querySelector('#audit-state')?.dataset.state?.startsWith('verified'));
  await shot('16-audit-report.png');
  await logOut();
});

/** The target alert's case id, as the desk answers it to the logged-in user. */
async function caseOfTarget() {
  return page.evaluate(async (id) => {
    const response = await fetch('/api/v1/alerts/' + id);
    return (await response.json()).case_id;
  }, target.id);
}

test('the auditor reads every step in the timeline, has no buttons and is refused a write', async () => {
  await logIn('aud');
  const caseId = await caseOfTarget();
  await page.goto(`${url}/cases/${caseId}`);
  await page.waitForSelector('#timeline');
  const events = await page.$$eval('#timeline li', (items) =>
    items.map((item) => ({ kind: item.dataset.kind, actor: item.dataset.actor, text: item.textContent })),
  );
  const has = (kind, actor, text) =>
    events.some((event) => event.kind === kind && event.actor === actor && (!text || text.test(event.text)));
  assert.ok(has('created', 'system'), JSON.stringify(events));
  assert.ok(has('status', 'ana', /new.*in review/), 'review by ana');
  assert.ok(has('status', 'ana', /in review.*escalated/), 'escalation by ana');
  assert.ok(has('comment', 'ana', /fan in/), 'the comment');
  assert.ok(has('close_proposed', 'ana', /false positive/), 'the proposal by ana');
  assert.ok(has('close_approved', 'sam', /ana/), 'the approval by sam');
  assert.ok(has('closed', 'sam', /false positive/), 'the close');
  assert.ok((await page.locator('#timeline time').count()) === events.length, 'every event has its time');
  assert.equal(await page.locator('button[data-action]').count(), 0, 'no action buttons for an auditor');
  assert.equal(await page.locator('#case-actions').count(), 0);
  await page.waitForSelector('#case-readonly');
  await shot('10-case-auditor.png');
  const write = await page.evaluate(async (id) => {
    const session = await (await fetch('/api/v1/session')).json();
    const response = await fetch(`/api/v1/cases/${id}/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token },
      body: JSON.stringify({ text: 'an auditor writes' }),
    });
    return { status: response.status, body: await response.json() };
  }, caseId);
  assert.equal(write.status, 403, JSON.stringify(write));
  assert.equal(write.body.error, 'forbidden');
});

test('the auditor finds every step of the case in the audit trail, verified, and the failed log-in', async () => {
  const caseId = await caseOfTarget();
  await page.click('a.nav-link[href="/audit"]');
  await page.waitForSelector('#audit-state');
  assert.match(await page.getAttribute('#audit-state', 'data-state'), /^verified/);
  assert.match(await page.textContent('#audit-state'), /^Verified\./);
  await page.goto(`${url}/audit?object=case:${caseId}`);
  await page.waitForSelector('#audit-table');
  const rows = await page.$$eval('#audit-table tbody tr', (items) =>
    items.map((item) => ({ action: item.dataset.action, text: item.textContent })),
  );
  const seen = (action, text) => rows.some((row) => row.action === action && (!text || text.test(row.text)));
  assert.ok(seen('case.created', /system/), JSON.stringify(rows));
  assert.ok(seen('case.status', /ana.*in_review/), 'the review by ana, with its before and after');
  assert.ok(seen('case.status', /ana.*escalated/), 'the escalation by ana');
  assert.ok(seen('case.close_proposed', /ana/), 'the proposal');
  assert.ok(seen('case.close_approved', /sam/), 'the approval by sam');
  assert.ok(seen('case.closed', /sam/), 'the close');
  await shot('14-audit.png');
  await page.goto(`${url}/audit?action=session.login_failed`);
  await page.waitForSelector('#audit-table');
  assert.match(await page.textContent('#audit-table'), /wrong password/);
  await page.click('#audit-verify');
  await page.waitForFunction(() => document.querySelector('#audit-state')?.dataset.state?.startsWith('verified'));
  // No route writes, edits or deletes an entry, even with a valid session and CSRF token.
  const refused = await page.evaluate(async () => {
    const session = await (await fetch('/api/v1/session')).json();
    const response = await fetch('/api/v1/audit', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token },
      body: '{}',
    });
    return response.status;
  });
  assert.equal(refused, 404, 'nothing writes the log over HTTP');
});

test('every role reads the rules and lists pages: the demo’s rules and the imported UN list', async () => {
  await page.click('a.nav-link[href="/rules"]');
  await page.waitForSelector('#rules-table');
  assert.match(await page.textContent('#rules-help'), /when the desk stored them/);
  assert.match(await page.textContent('#rules-source'), /rules/);
  const rules = await page.$$eval('#rules-table tbody tr', (rows) => rows.map((row) => ({ id: row.dataset.ruleId, total: Number(row.dataset.total) })));
  assert.ok(rules.length >= 30, `the shipped packs' rules: ${rules.length}`);
  assert.ok(rules.find((rule) => rule.id === target.rule_id)?.total > 0, 'the target’s rule has alerts');
  // Every row is a rule of the configured packs (rules without alerts would be listed too).
  assert.equal(await page.locator('#rules-table tbody tr >> text=not in the rule set').count(), 0);
  await shot('12-rules.png', false);
  await page.click('a.nav-link[href="/lists"]');
  await page.waitForSelector('#lists-table tr[data-list="UN"]');
  const un = await page.$$eval('#lists-table tr[data-list="UN"] td', (cells) => cells.map((cell) => cell.textContent.trim()));
  assert.equal(un[1], 'v2');
  assert.equal(un[2], '2026-02-27');
  assert.ok(Number(un[3].replace(/,/g, '')) > 100, `UN entries: ${un[3]}`);
  assert.match(un[5], /\+\d+ added · −\d+ removed · \d+ changed \(against v1\)/);
  await shot('13-lists.png');
});

test('a name holding HTML shows as text and runs nothing', async () => {
  await page.goto(`${url}/alerts?subject=${kHostileSubject}`);
  await page.waitForSelector('#queue-table');
  const cell = page.locator('#queue-table .subject-name').first();
  assert.equal(await cell.textContent(), kHostileName);
  assert.equal(await page.locator('#queue-table img').count(), 0);
  await page.click('#queue-table .rule-link');
  await page.waitForSelector('#subject-name');
  assert.equal(await page.textContent('#subject-name'), kHostileName);
  assert.equal(await page.textContent('#alert-title'), 'Payment to ' + kHostileName);
  assert.ok((await page.textContent('#sanctions')).includes(kHostileName), 'the listed name as text');
  assert.ok((await page.textContent('#evidence-table')).includes('<script>alert(2)</script>'));
  assert.equal(await page.locator('main img, main svg, main script').count(), 0, 'no element made of the data');
  await shot('11-html-name-as-text.png');
  await page.waitForTimeout(300);
  assert.deepEqual(dialogs, [], 'no dialog fired');
  await logOut();
});

test('no page error and no CSP violation on any page', () => {
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(cspViolations, []);
});
