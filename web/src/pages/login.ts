// The log-in page: user name and password to POST /api/v1/session; the desk's own message
// (wrong password, too many attempts) is shown as it comes.
import { api, type Session } from '../api';
import { fill, form, h, notice, passwordInput } from '../dom';

export function loginPage(main: HTMLElement, options: { loggedIn: (session: Session) => void }): void {
  const user = h('input', { id: 'login-user', name: 'user', autocomplete: 'username', required: true });
  const password = passwordInput('login-password', 'current-password');
  const message = h('div', { class: 'form-message' });
  const submit = h('button', { type: 'submit', class: 'button button-primary', id: 'login-submit' }, 'Log in');
  const card = form(
    { class: 'login-card', id: 'login-form' },
    async () => {
      submit.disabled = true;
      fill(message);
      try {
        options.loggedIn(await api.logIn(user.value.trim(), password.value));
      } catch (error) {
        fill(message, notice('error', (error as Error).message));
        password.select();
      } finally {
        submit.disabled = false;
      }
    },
    h('div', { class: 'login-brand' }, 'Nexus ', h('span', null, 'review desk')),
    h('p', { class: 'muted' }, 'Anti-money-laundering alerts, cases and four-eyes closes.'),
    h('label', { for: 'login-user' }, 'User name'),
    user,
    h('label', { for: 'login-password' }, 'Password'),
    password,
    message,
    submit,
  );
  fill(main, h('div', { class: 'login-wrap' }, card));
  user.focus();
}
