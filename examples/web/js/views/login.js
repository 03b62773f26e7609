// The login form.

import { api } from '../api.js';
import { $, setError, show } from '../dom.js';
import { TOKEN_KEY } from '../state.js';

/** The expiry of a JWT in milliseconds, `null` when it has none or cannot be read. */
export function tokenExpiry(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(payload));
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

export function showLogin(message) {
  show($('app-view'), false);
  show($('login-view'), true);
  setError($('login-error'), message);
  $('password').value = '';
  $('password').focus();
}

/** Submits the form; `onToken` gets the JWT once the backend accepted the password. */
export async function logIn(event, onToken) {
  event.preventDefault();
  const username = $('username').value.trim();
  const password = $('password').value;
  if (!username || !password) {
    setError($('login-error'), 'Enter the user name and the password.');
    return;
  }
  $('login-button').disabled = true;
  try {
    const answer = await api('POST', '/api/auth/login', { username, password });
    sessionStorage.setItem(TOKEN_KEY, answer.token);
    setError($('login-error'), '');
    onToken(answer.token);
  } catch (error) {
    const message = error.status === 401
      ? 'Wrong user name or password.'
      : `Could not log in: ${error.message}`;
    setError($('login-error'), message);
    $('password').select();
  } finally {
    $('login-button').disabled = false;
  }
}
