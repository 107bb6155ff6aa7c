// The users page (/users, admins only): who may log in with which role, creating a user
// with a role and an initial password, changing a role, disabling and enabling; and the
// API tokens: create one for a user (it acts with that user's role), optionally expiring,
// shown once with a copy button; list them (never the secret); revoke.
import { api, type CreatedToken, type Role, type Token, type User } from '../api';
import { dataTable, fill, form, h, notice, passwordInput, section } from '../dom';
import { time, words } from '../format';
import type { PageContext } from '../page';
import { may } from '../roles';

const kRoles: [Role, string][] = [
  ['analyst', 'analyst: works cases'],
  ['supervisor', 'supervisor: also approves closes, de-escalates, reopens'],
  ['auditor', 'auditor: reads everything, changes nothing'],
  ['admin', 'admin: manages users, no case work'],
];

function roleSelect(id: string, value: Role | '', short: boolean): HTMLSelectElement {
  return h(
    'select',
    { id, name: 'role' },
    kRoles.map(([role, label]) => h('option', { value: role, selected: role === value }, short ? role : label)),
  );
}

export async function usersPage(context: PageContext): Promise<void> {
  const { main, session, signal } = context;
  if (!may(session.role, 'manage_users')) {
    fill(main, h('h1', null, 'Users'), notice('error', 'Only an admin manages users.'));
    return;
  }
  const message = h('div', { class: 'form-message', id: 'users-message' });
  const listBox = h('div');

  const run = async (call: () => Promise<unknown>, done: string) => {
    fill(message);
    try {
      await call();
      fill(message, notice('ok', done));
      await drawList();
      return true;
    } catch (error) {
      fill(message, notice('error', (error as Error).message));
      return false;
    }
  };

  const tokensBox = h('div');
  const tokenUser = h('select', { id: 'new-token-user', name: 'user' });
  let knownUsers: User[] = [];

  const drawTokens = async () => {
    const { tokens } = await api.tokens();
    if (signal.aborted) return;
    const roleOf = new Map(knownUsers.map((user) => [user.name, user.role]));
    fill(
      tokensBox,
      tokens.length === 0
        ? h('p', { class: 'muted' }, 'No API token yet.')
        : dataTable(
            { id: 'tokens-table' },
            ['#', 'Name', 'Acts as', 'Created', 'Expires', 'State', ''],
            tokens.map((token: Token) => {
              const state = token.revoked ? 'revoked' : token.expired ? 'expired' : 'active';
              return h(
                'tr',
                { 'data-token-id': token.id, 'data-state': state, class: state === 'active' ? '' : 'disabled' },
                h('td', null, String(token.id)),
                h('td', { class: 'token-label' }, token.label),
                h('td', null, token.user, ' ', roleOf.has(token.user) ? h('span', { class: `badge role-${roleOf.get(token.user)}` }, words(roleOf.get(token.user) as string)) : null),
                h('td', { class: 'small nowrap' }, time(token.created_ms)),
                h('td', { class: 'small nowrap' }, token.expires_ms ? time(token.expires_ms) : 'never'),
                h('td', null, state === 'active' ? 'active' : h('span', { class: 'badge status-closed' }, state)),
                h(
                  'td',
                  null,
                  !token.revoked &&
                    h(
                      'button',
                      {
                        type: 'button',
                        class: 'button button-danger',
                        'data-action': 'revoke-token',
                        on: { click: () => void run(() => api.revokeToken(token.id), `Token #${token.id} (${token.label}) is revoked: it no longer works.`) },
                      },
                      'Revoke',
                    ),
                ),
              );
            }),
          ),
    );
  };

  const drawList = async () => {
    const { users } = await api.users();
    if (signal.aborted) return;
    knownUsers = users;
    const chosen = tokenUser.value || session.user;
    fill(
      tokenUser,
      users.filter((user) => !user.disabled).map((user) => h('option', { value: user.name, selected: user.name === chosen }, `${user.name} (${user.role})`)),
    );
    await drawTokens();
    const button = (label: string, kind: string, onClick: () => void) =>
      h('button', { type: 'button', class: 'button ' + kind, on: { click: onClick } }, label);
    fill(
      listBox,
      dataTable(
        { id: 'users-table' },
        ['Name', 'Role', 'State', 'Created', ''],
        users.map((user: User) => {
          const role = roleSelect(`role-${user.name}`, user.role, true);
          const self = user.name === session.user;
          return h(
            'tr',
            { 'data-user': user.name, 'data-role': user.role, class: user.disabled ? 'disabled' : '' },
            h('td', { class: 'user-name' }, user.name, self ? h('span', { class: 'muted small' }, ' (you)') : null),
            h('td', null, h('span', { class: `badge role-${user.role}` }, words(user.role))),
            h('td', null, user.disabled ? h('span', { class: 'badge status-closed' }, 'disabled') : 'active'),
            h('td', { class: 'small nowrap' }, time(user.created_ms)),
            h(
              'td',
              null,
              h(
                'div',
                { class: 'row-actions' },
                !self && [
                role,
                button('Set role', 'button-quiet', () =>
                  void run(() => api.setRole(user.name, role.value as Role), `${user.name} is now ${role.value}.`),
                ),
                button(user.disabled ? 'Enable' : 'Disable', user.disabled ? '' : 'button-danger', () =>
                  void run(() => api.setDisabled(user.name, !user.disabled), `${user.name} is ${user.disabled ? 'enabled' : 'disabled'}.`),
                ),
                ],
              ),
            ),
          );
        }),
      ),
    );
  };

  const name = h('input', { id: 'new-user-name', name: 'name', autocomplete: 'off', required: true });
  const role = roleSelect('new-user-role', 'analyst', false);
  const password = passwordInput('new-user-password', 'new-password');
  const create = form(
    { class: 'stack-form', id: 'new-user' },
    async (element) => {
      const who = name.value.trim();
      const created = `Created ${who} (${role.value}). Hand them the password; they change it on the Account page.`;
      if (await run(() => api.createUser(who, role.value as Role, password.value), created)) {
        element.reset();
        name.focus();
      }
    },
    h('label', { for: 'new-user-name' }, 'Name'),
    name,
    h('label', { for: 'new-user-role' }, 'Role'),
    role,
    h('label', { for: 'new-user-password' }, 'Initial password'),
    password,
    h('p', { class: 'muted small' }, 'At least 12 characters, and not the name.'),
    h('button', { type: 'submit', class: 'button button-primary', id: 'new-user-submit' }, 'Create user'),
  );

  const tokenLabel = h('input', { id: 'new-token-label', name: 'label', autocomplete: 'off', required: true, placeholder: 'what uses it, e.g. case export job' });
  const tokenExpiry = h('input', { id: 'new-token-expires', name: 'expires', type: 'date' });
  const shown = h('div', { id: 'token-shown' });
  const showOnce = (created: CreatedToken, label: string) => {
    const secret = h('input', { id: 'token-secret', class: 'mono', readonly: true, value: created.token, 'aria-label': 'the new token' });
    const copied = h('span', { class: 'muted small', id: 'token-copied' });
    fill(
      shown,
      h(
        'div',
        { class: 'token-once', role: 'status' },
        h('h3', null, `Token “${label}” for ${created.user}`),
        h('p', { class: 'warn' }, 'Copy it now: it will not be shown again. The desk keeps only its hash.'),
        h(
          'div',
          { class: 'inline-form' },
          secret,
          h(
            'button',
            {
              type: 'button',
              class: 'button button-primary',
              id: 'token-copy',
              on: {
                click: async () => {
                  secret.select();
                  try {
                    await navigator.clipboard.writeText(created.token);
                    copied.textContent = 'Copied.';
                  } catch {
                    copied.textContent = 'Selected: press Ctrl+C to copy.';
                  }
                },
              },
            },
            'Copy',
          ),
          copied,
        ),
        h('p', { class: 'muted small' }, 'Use it as ', h('code', null, 'Authorization: Bearer <token>'), '; it acts as its user, with that user’s role.'),
        h('button', { type: 'button', class: 'button button-quiet', id: 'token-dismiss', on: { click: () => fill(shown) } }, 'I have stored it'),
      ),
    );
  };
  const createToken = form(
    { class: 'stack-form', id: 'new-token' },
    async (element) => {
      const label = tokenLabel.value.trim();
      let expires: number | null = null;
      if (tokenExpiry.value) {
        const [year, month, day] = tokenExpiry.value.split('-').map(Number);
        expires = Date.UTC(year, month - 1, day);
      }
      fill(message);
      fill(shown);
      try {
        const created = await api.createToken(label, tokenUser.value, expires);
        showOnce(created, label);
        element.reset();
        await drawList();
      } catch (error) {
        fill(message, notice('error', (error as Error).message));
      }
    },
    h('label', { for: 'new-token-label' }, 'Name'),
    tokenLabel,
    h('label', { for: 'new-token-user' }, 'Acts as (and with the role of)'),
    tokenUser,
    h('label', { for: 'new-token-expires' }, 'Expires (optional, start of the day UTC)'),
    tokenExpiry,
    h('button', { type: 'submit', class: 'button button-primary', id: 'new-token-submit' }, 'Create token'),
  );

  fill(
    main,
    h('div', { class: 'page-head' }, h('h1', null, 'Users')),
    message,
    h('div', { class: 'two-columns' }, section('Everyone who may log in', 'users', listBox), section('New user', 'create-user', create)),
    h('div', { class: 'two-columns' }, section('API tokens', 'tokens', tokensBox), section('New API token', 'create-token', shown, createToken)),
  );
  await drawList();
}
