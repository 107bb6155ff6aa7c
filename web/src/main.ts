// The desk's single page: finds the session (GET /api/v1/session), draws the header with
// who is logged in, and routes the UI's paths (/alerts, /alerts/{id}, /cases/{id}, /rules,
// /lists, /users, /account, /login) to their pages with the History API. The desk serves
// index.html for each of these paths, so a reload or a pasted link lands on the same page.
import { api, ApiError, type Session, setUnauthenticatedHandler } from './api';
import { fill, h, notice } from './dom';
import { words } from './format';
import { accountPage } from './pages/account';
import { alertPage } from './pages/alert';
import { casePage } from './pages/case';
import { loginPage } from './pages/login';
import { listsPage } from './pages/lists';
import { queuePage } from './pages/queue';
import { rulesPage } from './pages/rules';
import { usersPage } from './pages/users';
import { auditPage } from './pages/audit';
import { homeOf, may } from './roles';
import type { Page, PageContext } from './page';

interface Route {
  pattern: RegExp;
  page: Page;
  title: string;
}

const kRoutes: Route[] = [
  { pattern: /^\/alerts\/?$/, page: queuePage, title: 'Alert queue' },
  { pattern: /^\/alerts\/([^/]+)$/, page: alertPage, title: 'Alert' },
  { pattern: /^\/cases\/(\d+)$/, page: casePage, title: 'Case' },
  { pattern: /^\/rules\/?$/, page: rulesPage, title: 'Rules' },
  { pattern: /^\/lists\/?$/, page: listsPage, title: 'Sanctions lists' },
  { pattern: /^\/users\/?$/, page: usersPage, title: 'Users' },
  { pattern: /^\/audit\/?$/, page: auditPage, title: 'Audit trail' },
  { pattern: /^\/account\/?$/, page: accountPage, title: 'Account' },
];

const root = document.getElementById('app') as HTMLElement;
let session: Session | null = null;
let current: AbortController | null = null;

function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  void render();
}

function header(active: Session): HTMLElement {
  const link = (href: string, label: string) =>
    h(
      'a',
      {
        href,
        class: location.pathname.startsWith(href) ? 'nav-link active' : 'nav-link',
      },
      label,
    );
  return h(
    'header',
    { class: 'topbar' },
    h('a', { href: homeOf(active.role), class: 'brand' }, 'Nexus ', h('span', null, 'review desk')),
    h(
      'nav',
      { class: 'nav' },
      may(active.role, 'read_cases') && link('/alerts', 'Queue'),
      link('/rules', 'Rules'),
      link('/lists', 'Lists'),
      may(active.role, 'read_audit') && link('/audit', 'Audit'),
      may(active.role, 'manage_users') && link('/users', 'Users'),
      link('/account', 'Account'),
    ),
    h(
      'div',
      { class: 'whoami', 'data-user': active.user, 'data-role': active.role },
      h('span', { class: 'whoami-name' }, active.user),
      h('span', { class: `badge role-${active.role}` }, words(active.role)),
      h(
        'button',
        {
          type: 'button',
          class: 'button button-quiet',
          id: 'log-out',
          on: {
            click: async () => {
              try {
                await api.logOut();
              } catch {
                // Logged out either way: the session is forgotten here.
              }
              session = null;
              navigate('/login', true);
            },
          },
        },
        'Log out',
      ),
    ),
  );
}

async function render(): Promise<void> {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const path = location.pathname;

  if (!session && path !== '/login') {
    try {
      session = await api.session();
    } catch (error) {
      if (controller.signal.aborted) return;
      if (!(error instanceof ApiError) || error.status !== 401) {
        fill(root, h('main', { class: 'page' }, notice('error', (error as Error).message)));
        return;
      }
      const next = path + location.search;
      navigate('/login' + (path === '/' ? '' : '?next=' + encodeURIComponent(next)), true);
      return;
    }
  }
  if (controller.signal.aborted) return;

  const main = h('main', { class: 'page' });
  if (path === '/login' || !session) {
    document.title = 'Log in · Nexus review desk';
    fill(root, main);
    loginPage(main, {
      loggedIn: (started) => {
        session = started;
        const next = new URLSearchParams(location.search).get('next');
        navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : homeOf(started.role), true);
      },
    });
    return;
  }
  if (path === '/' || path === '') {
    navigate(homeOf(session.role), true);
    return;
  }
  fill(root, header(session), main);
  const route = kRoutes.find((candidate) => candidate.pattern.test(path));
  if (!route) {
    document.title = 'Not found · Nexus review desk';
    fill(main, h('h1', null, 'Not found'), notice('error', `There is no page at ${path}.`));
    return;
  }
  document.title = route.title + ' · Nexus review desk';
  const match = route.pattern.exec(path) as RegExpExecArray;
  const context: PageContext = {
    session,
    main,
    params: match.slice(1).map((part) => decodeURIComponent(part)),
    search: new URLSearchParams(location.search),
    signal: controller.signal,
    navigate,
  };
  try {
    await route.page(context);
  } catch (error) {
    if (controller.signal.aborted) return;
    fill(main, h('h1', null, route.title), notice('error', (error as Error).message));
  }
}

// Links inside the UI change the page without a reload; others (new tab, modifiers) do not.
document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element | null)?.closest('a');
  if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.origin !== location.origin) return;
  if (anchor.protocol !== location.protocol) return; // blob: downloads share the origin
  if (anchor.pathname.startsWith('/api/')) return;
  event.preventDefault();
  navigate(anchor.pathname + anchor.search);
});
window.addEventListener('popstate', () => void render());
setUnauthenticatedHandler(() => {
  if (!session) return;
  session = null;
  navigate('/login?next=' + encodeURIComponent(location.pathname + location.search), true);
});

void render();
