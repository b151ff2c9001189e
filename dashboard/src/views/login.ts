// Sign-in against the Cognito user pool (AWS deployments only; locally the server hands out a token).
import type { CognitoConfig } from '../config.ts';
import { errorMessage } from '../context.ts';
import { h, replaceChildren } from '../dom.ts';
import { cognitoNewPassword, cognitoSignIn, type Session } from '../session.ts';

export function renderLogin(root: HTMLElement, cfg: CognitoConfig): Promise<Session> {
  return new Promise((resolve) => {
    document.title = 'Sign in · splitloop';
    const heading = h('h1', { tabindex: '-1' }, 'Sign in');
    const message = h('p', { class: 'error', role: 'alert' });
    const username = h('input', { id: 'login-user', type: 'email', autocomplete: 'username', required: true });
    const password = h('input', { id: 'login-password', type: 'password', autocomplete: 'current-password', required: true });
    const newPassword = h('input', { id: 'login-new-password', type: 'password', autocomplete: 'new-password' });
    const newPasswordField = h('div', { class: 'field', hidden: true }, h('label', { for: 'login-new-password' }, 'Choose a new password'), newPassword);
    const submit = h('button', { type: 'submit' }, 'Sign in');
    let challenge: string | null = null;
    const form = h(
      'form',
      { class: 'login', 'aria-labelledby': 'login-hint' },
      h('p', { id: 'login-hint' }, 'Sign in with your account of the experimenters group.'),
      h('div', { class: 'field' }, h('label', { for: 'login-user' }, 'Email'), username),
      h('div', { class: 'field' }, h('label', { for: 'login-password' }, 'Password'), password),
      newPasswordField,
      message,
      submit,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      submit.disabled = true;
      message.textContent = '';
      const step = challenge
        ? cognitoNewPassword(cfg, username.value, newPassword.value, challenge)
        : cognitoSignIn(cfg, username.value, password.value);
      step
        .then((result) => {
          if (result.ok) return resolve(result.session);
          challenge = result.challengeSession;
          newPasswordField.hidden = false;
          newPassword.required = true;
          message.textContent = 'Your password must be changed before the first sign-in.';
          newPassword.focus();
        })
        .catch((error: unknown) => (message.textContent = errorMessage(error)))
        .finally(() => (submit.disabled = false));
    });
    replaceChildren(root, heading, form);
    username.focus();
  });
}
