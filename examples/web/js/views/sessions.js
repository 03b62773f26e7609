// The session bar: its name, status, phone, QR code, start and log-out, and the list of sessions.

import { actions } from '../actions.js';
import { api, sessionPath } from '../api.js';
import { $, el, setError, show } from '../dom.js';
import { statusLabel } from '../format.js';
import { state } from '../state.js';

export function renderSession(session) {
  state.sessionInfo = session;
  const label = statusLabel(session);
  const badge = $('session-status');
  badge.textContent = `${state.session}: ${label}`;
  badge.dataset.status = label.toLowerCase();
  $('session-phone').textContent = session && session.phoneNumber ? `+${session.phoneNumber}` : '';
  const waiting = session && session.status === 'connecting' && session.qrCode;
  show($('qr'), Boolean(waiting));
  const img = $('qr-image');
  if (waiting && session.qrCode.startsWith('data:image/')) {
    if (img.getAttribute('src') !== session.qrCode) img.setAttribute('src', session.qrCode);
  } else {
    img.removeAttribute('src');
  }
  const connected = session && session.status === 'connected';
  // starting again is harmless, but only useful when the session is not running
  $('start-session').disabled = Boolean(session && session.status !== 'disconnected');
  $('logout-session').disabled = !connected;
  show($('composer'), Boolean(state.open));
  $('send').disabled = false;
}

/** The stored sessions: suggestions for the name box and the list with their status. */
export async function loadSessionNames() {
  let sessions;
  try {
    sessions = await api('GET', '/api/sessions');
  } catch {
    return; // only a convenience; the current session's status is shown anyway
  }
  if (!Array.isArray(sessions)) return;
  $('session-names').replaceChildren(...sessions.map((s) => {
    const option = document.createElement('option');
    option.value = s.name;
    return option;
  }));
  $('session-list').replaceChildren(...sessions.map((s) => {
    const current = s.name === state.session && state.sessionInfo ? state.sessionInfo : s;
    const item = el('li', 'session-item');
    item.dataset.name = s.name;
    const button = el('button', 'link', s.name);
    button.type = 'button';
    if (s.name === state.session) button.setAttribute('aria-current', 'true');
    button.addEventListener('click', () => actions.selectSession(s.name));
    const label = statusLabel(current);
    const chip = el('span', 'status small', label);
    chip.dataset.status = label.toLowerCase();
    item.append(button, chip);
    return item;
  }));
  if (sessions.length === 0) $('session-list').append(el('li', 'muted small', 'None started yet.'));
}

export async function refreshSession() {
  const name = state.session;
  const pushes = state.sessionPushes;
  try {
    const session = await api('GET', sessionPath(name));
    if (name === state.session) {
      if (pushes === state.sessionPushes) renderSession(session);
      setError($('app-error'), '');
      loadSessionNames();
    }
  } catch (error) {
    if (error.status !== 401) setError($('app-error'), `Session ${name}: ${error.message}`);
  }
}

export async function startSession() {
  const button = $('start-session');
  button.disabled = true;
  const pushes = state.sessionPushes;
  try {
    const session = await api('POST', `${sessionPath(state.session)}/start`);
    if (pushes === state.sessionPushes) renderSession(session);
    setError($('app-error'), '');
    loadSessionNames();
  } catch (error) {
    if (error.status !== 401) setError($('app-error'), `Could not start ${state.session}: ${error.message}`);
  } finally {
    button.disabled = Boolean(state.sessionInfo && state.sessionInfo.status !== 'disconnected');
  }
}

export async function logoutSession() {
  if (!confirm(`Log session ${state.session} out of WhatsApp?`)) return;
  const pushes = state.sessionPushes;
  try {
    const session = await api('POST', `${sessionPath(state.session)}/logout`);
    if (pushes === state.sessionPushes) renderSession(session);
    setError($('app-error'), '');
    loadSessionNames();
  } catch (error) {
    if (error.status !== 401) setError($('app-error'), `Could not log out ${state.session}: ${error.message}`);
  }
}

/** A pushed state of the shown session. */
export function onSessionPush(session) {
  if (!session || session.name !== state.session) return;
  state.sessionPushes += 1;
  const before = state.sessionInfo && statusLabel(state.sessionInfo);
  renderSession(session);
  if (before !== statusLabel(session)) loadSessionNames();
}
