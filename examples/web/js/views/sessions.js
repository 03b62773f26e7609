// The shown session: its name, status, phone, QR code or pairing code, start and log-out.

import { actions } from '../actions.js';
import { api, sessionPath } from '../api.js';
import { $, setError, show } from '../dom.js';
import { normalisePhone, statusLabel } from '../format.js';
import { state } from '../state.js';
import { loadSessionNames, pushedSession } from './session-list.js';

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
  renderPairing(session);
  const connected = session && session.status === 'connected';
  // starting again is harmless, but only useful when the session is not running
  $('start-session').disabled = Boolean(session && session.status !== 'disconnected');
  $('logout-session').disabled = !connected;
  show($('composer'), Boolean(state.open));
  $('send').disabled = false;
}

/**
 * The pairing-code login: the form while the session is not running, the code once the server
 * gave one (kept while the session waits for it to be typed).
 */
function renderPairing(session) {
  const status = session ? session.status : 'disconnected';
  if (session && typeof session.phoneCode === 'string' && session.phoneCode) {
    state.phoneCode = session.phoneCode;
  }
  if (status !== 'connecting') {
    state.phoneCode = null;
    state.pairingPhone = null;
  }
  const code = state.phoneCode;
  // a start with a phone number replaces a start with a QR code: offered before either
  show($('pairing'), !code && status === 'disconnected');
  const waiting = !code && status === 'connecting' && Boolean(state.pairingPhone)
    && !(session && session.qrCode);
  show($('pairing-code-box'), Boolean(code) || waiting);
  const output = $('pairing-code');
  if (code) {
    if (output.dataset.code !== code) {
      output.dataset.code = code;
      output.textContent = formatPairingCode(code);
    }
  } else {
    delete output.dataset.code;
    output.textContent = waiting ? `Asking for a code for +${state.pairingPhone}…` : '';
  }
}

/** `ABCD1234` as `ABCD-1234`, as WhatsApp shows it; any other code as it is. */
function formatPairingCode(code) {
  return /^[A-Za-z0-9]{8}$/.test(code) ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

/** Starts the session with a pairing code for the phone number typed in the pairing form. */
export async function startWithPhone(event) {
  event.preventDefault();
  const input = $('pairing-phone');
  const phone = normalisePhone(input.value);
  if (!phone) {
    setError($('pairing-error'), 'Enter the phone number with country code, e.g. +55 11 99999-9999.');
    input.focus();
    return;
  }
  setError($('pairing-error'), '');
  // the session typed in the name box, as Start does
  const typed = $('session-name').value.trim();
  if (typed && typed !== state.session) await actions.selectSession(typed);
  if (state.sessionInfo && state.sessionInfo.status !== 'disconnected') return;
  $('pairing-button').disabled = true;
  state.pairingPhone = phone;
  try {
    await startSession(phone);
  } finally {
    $('pairing-button').disabled = false;
  }
  // the form is gone: focus goes to what replaced it
  if (!$('pairing-code-box').hidden) $('pairing-code').focus();
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

/** Starts the shown session: a QR code to scan, or with `phone` a pairing code to type. */
export async function startSession(phone) {
  const button = $('start-session');
  button.disabled = true;
  const pushes = state.sessionPushes;
  try {
    const body = phone ? { phone } : undefined;
    const session = await api('POST', `${sessionPath(state.session)}/start`, body);
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
export function onSessionPush(data) {
  const session = pushedSession(data);
  if (!session || session.name !== state.session) return;
  state.sessionPushes += 1;
  const before = state.sessionInfo && statusLabel(state.sessionInfo);
  renderSession(session);
  if (before !== statusLabel(session)) loadSessionNames();
}
