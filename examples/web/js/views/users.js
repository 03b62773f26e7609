// The signed-in user's role (what the page offers them), and the Users view of admins: every
// user with their role and sessions; add, change, remove. The backend checks every request
// anyway: hiding a control only spares a refusal.

import { api } from '../api.js';
import { $, el, setError, show } from '../dom.js';
import { state } from '../state.js';

const ROLES = ['agent', 'viewer', 'admin'];

/** Reads who the signed-in user is (`/api/users/me`) and shows what their role may use. */
export async function loadMe() {
  try {
    state.me = await api('GET', '/api/users/me');
  } catch (error) {
    state.me = null;
    if (error.status !== 401) setError($('app-error'), `Who am I: ${error.message}`);
  }
  applyRole();
  return state.me;
}

/**
 * `data-role` on the body: the style sheet hides the admins' controls (`.admin-only`) from the
 * others and the send controls (`.send-control`) from viewers.
 */
export function applyRole() {
  if (state.me) document.body.dataset.role = state.me.role;
  else delete document.body.dataset.role;
}

/** The session to show first: the one asked for when the user may read it, else their first. */
export function firstSession(wanted) {
  const me = state.me;
  if (!me || me.role === 'admin' || me.sessions.includes(wanted)) return wanted;
  return me.sessions[0] || wanted;
}

/** A comma- or space-separated list of session names, without blanks and repeats. */
function sessionList(text) {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

function roleSelect(id, role) {
  const select = el('select');
  select.id = id;
  for (const name of ROLES) {
    const option = el('option', null, name);
    option.value = name;
    if (name === role) option.selected = true;
    select.append(option);
  }
  return select;
}

function userRow(user) {
  const row = el('tr');
  row.dataset.name = user.name;
  const name = el('td', 'user-name', user.name);
  const roleCell = el('td');
  const role = roleSelect(`role-${user.name}`, user.role);
  role.setAttribute('aria-label', `Role of ${user.name}`);
  roleCell.append(role);
  const sessionsCell = el('td');
  const sessions = el('input', 'user-sessions');
  sessions.value = user.sessions.join(', ');
  sessions.placeholder = user.role === 'admin' ? 'every session' : 'no session';
  sessions.setAttribute('aria-label', `Sessions of ${user.name}`);
  sessionsCell.append(sessions);
  const actionsCell = el('td', 'user-actions');
  const save = el('button', 'secondary save-user', 'Save');
  save.type = 'button';
  save.addEventListener('click', async () => {
    await change(user.name, { role: role.value, sessions: sessionList(sessions.value) });
  });
  const remove = el('button', 'link remove-user', 'Remove');
  remove.type = 'button';
  remove.addEventListener('click', async () => {
    if (!confirm(`Remove the user ${user.name}?`)) return;
    await change(user.name, null);
  });
  actionsCell.append(save, remove);
  row.append(name, roleCell, sessionsCell, actionsCell);
  return row;
}

/** Changes a user (`null`: removes them), then shows the list again. */
async function change(name, fields) {
  try {
    const path = `/api/users/${encodeURIComponent(name)}`;
    if (fields) await api('PATCH', path, fields);
    else await api('DELETE', path);
    setError($('users-error'), '');
  } catch (error) {
    setError($('users-error'), `${name}: ${error.message}`);
  }
  await loadUsers();
  if (state.me && name === state.me.name) await loadMe();
}

/** Shows every user. */
export async function loadUsers() {
  let users;
  try {
    users = await api('GET', '/api/users');
  } catch (error) {
    setError($('users-error'), `Users: ${error.message}`);
    return;
  }
  $('user-list').replaceChildren(...users.map(userRow));
}

/** Opens the Users view. */
export async function openUsers() {
  setError($('users-error'), '');
  const dialog = $('users-dialog');
  if (!dialog.open) dialog.showModal();
  await loadUsers();
  $('new-user-name').focus();
}

/** Adds the user of the form. */
export async function addUser(event) {
  event.preventDefault();
  const name = $('new-user-name').value.trim();
  const password = $('new-user-password').value;
  if (!name || !password) {
    setError($('users-error'), 'Enter a name and a password (8 characters or more).');
    return;
  }
  const button = $('add-user');
  button.disabled = true;
  try {
    await api('POST', '/api/users', {
      name,
      password,
      role: $('new-user-role').value,
      sessions: sessionList($('new-user-sessions').value),
    });
    setError($('users-error'), '');
    $('user-form').reset();
    await loadUsers();
  } catch (error) {
    setError($('users-error'), `Could not add ${name}: ${error.message}`);
  } finally {
    button.disabled = false;
  }
}

export function closeUsers() {
  const dialog = $('users-dialog');
  if (dialog.open) dialog.close();
  show($('users-error'), false);
}
