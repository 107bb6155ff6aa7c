// The account page (/account): who you are, and changing your own password (the admin's
// one-time password first of all).
import { api } from '../api';
import { facts, fill, form, h, notice, passwordInput, section } from '../dom';
import { words } from '../format';
import type { PageContext } from '../page';

export function accountPage(context: PageContext): void {
  const { main, session } = context;
  const message = h('div', { class: 'form-message' });
  const current = passwordInput('current-password', 'current-password');
  const next = passwordInput('new-password', 'new-password');
  const again = passwordInput('new-password-again', 'new-password');
  const change = form(
    { class: 'stack-form', id: 'change-password' },
    async (element) => {
      if (next.value !== again.value) {
        fill(message, notice('error', 'The new passwords differ.'));
        return;
      }
      try {
        await api.changePassword(current.value, next.value);
        element.reset();
        fill(message, notice('ok', 'Your password is changed.'));
      } catch (error) {
        fill(message, notice('error', (error as Error).message));
      }
    },
    h('label', { for: 'current-password' }, 'Current password'),
    current,
    h('label', { for: 'new-password' }, 'New password (at least 12 characters)'),
    next,
    h('label', { for: 'new-password-again' }, 'New password again'),
    again,
    message,
    h('button', { type: 'submit', class: 'button button-primary' }, 'Change password'),
  );
  fill(
    main,
    h('h1', null, 'Account'),
    h(
      'div',
      { class: 'two-columns' },
      section('You', 'whoami', facts([['User', session.user], ['Role', words(session.role)]])),
      section('Change your password', 'password', change),
    ),
  );
}
