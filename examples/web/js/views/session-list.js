// The list of sessions: each one's status and unread messages, kept live by the pushes of the
// sessions the page does not show.

import { actions } from '../actions.js';
import { api } from '../api.js';
import { $, announce, el, show } from '../dom.js';
import { statusLabel } from '../format.js';
import { state } from '../state.js';

/** The stored sessions: suggestions for the name box and the list with their status. */
export async function loadSessionNames() {
  let sessions;
  try {
    sessions = await api('GET', '/api/sessions');
  } catch {
    return; // only a convenience; the current session's status is shown anyway
  }
  if (!Array.isArray(sessions)) return;
  state.sessionList = sessions;
  $('session-names').replaceChildren(...sessions.map((s) => {
    const option = document.createElement('option');
    option.value = s.name;
    return option;
  }));
  renderSessionList();
  for (const s of sessions) if (s.name !== state.session) countUnread(s.name);
}

/** The session list: each session's status and unread messages; the total on its summary. */
export function renderSessionList() {
  const sessions = state.sessionList;
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
    item.append(button);
    const unread = unreadOf(s.name);
    if (unread > 0) {
      const badge = el('span', 'badge', unread);
      badge.setAttribute('aria-label', `${unread} unread`);
      item.append(badge);
    }
    item.append(chip);
    return item;
  }));
  if (sessions.length === 0) $('session-list').append(el('li', 'muted small', 'None started yet.'));
  // what waits in the other sessions, visible with the list folded
  const elsewhere = sessions
    .filter((s) => s.name !== state.session)
    .reduce((sum, s) => sum + unreadOf(s.name), 0);
  const badge = $('sessions-unread');
  badge.textContent = elsewhere > 0 ? String(elsewhere) : '';
  badge.setAttribute('aria-label', `${elsewhere} unread in other sessions`);
  show(badge, elsewhere > 0);
}

function unreadOf(name) {
  if (name === state.session) {
    return state.conversations.reduce((sum, c) => sum + (c.unreadCount > 0 ? c.unreadCount : 0), 0);
  }
  return state.unread.get(name) || 0;
}

/** Counts the unread messages of another session (its conversations' counts). */
async function countUnread(name) {
  try {
    const list = await api('GET', `/api/conversations?session=${encodeURIComponent(name)}`);
    if (!Array.isArray(list)) return;
    state.unread.set(name, list.reduce((sum, c) => sum + (c.unreadCount > 0 ? c.unreadCount : 0), 0));
    renderSessionList();
  } catch {
    // a badge only; the next push counts again
  }
}

/** Something happened in another session: its unread count once a burst is over. */
function scheduleUnreadCount(name) {
  clearTimeout(state.unreadTimers.get(name));
  state.unreadTimers.set(name, setTimeout(() => {
    state.unreadTimers.delete(name);
    countUnread(name);
  }, 80));
}

/**
 * A push of a session the page does not show: its status chip and unread badge follow, and a
 * message from a contact is announced.
 */
export function onOtherSessionPush(type, data, name) {
  if (name === state.session) return;
  if (type === 'session-status') {
    const session = pushedSession(data);
    if (!session || session.name !== name) return;
    const index = state.sessionList.findIndex((s) => s.name === name);
    if (index >= 0) state.sessionList[index] = session;
    else state.sessionList.push(session);
    renderSessionList();
  } else if (type === 'new-message') {
    if (!state.sessionList.some((s) => s.name === name)) loadSessionNames();
    if (data && !data.isFromMe) announce(`New message in session ${name}`);
    scheduleUnreadCount(name);
  } else if (type === 'status-update') {
    scheduleUnreadCount(name);
  }
}

/** The `Session` of a `session-status` push, `null` when it is none. */
export function pushedSession(data) {
  return data && typeof data === 'object' && typeof data.name === 'string' ? data : null;
}
