// The users page (/users, admins only): who may log in with which role, creating a user
// with a role and an initial password, changing a role, disabling and enabling.
import { api, type Role, type User } from '../api';
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

  const drawList = async () => {
    const { users } = await api.users();
    if (signal.aborted) return;
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

  fill(
    main,
    h('div', { class: 'page-head' }, h('h1', null, 'Users')),
    message,
    h('div', { class: 'two-columns' }, section('Everyone who may log in', 'users', listBox), section('New user', 'create-user', create)),
  );
  await drawList();
}
