// The conversation list: search, unread badges, a new conversation by phone number.

import { actions } from '../actions.js';
import { api, conversationPath, sessionQuery } from '../api.js';
import { $, el, setError, show } from '../dom.js';
import { conversationTitle, formatTime, normalisePhone } from '../format.js';
import { state } from '../state.js';
import { renderSessionList } from './session-list.js';

export async function refreshConversations() {
  const session = state.session;
  try {
    const list = await api('GET', `/api/conversations?${sessionQuery()}`);
    if (session !== state.session) return;
    state.conversations = Array.isArray(list) ? list : [];
    renderConversations();
  } catch (error) {
    if (error.status !== 401) setError($('app-error'), `Conversations: ${error.message}`);
  }
}

/** Refreshes the list once a burst of events is over. */
export function scheduleConversationRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(refreshConversations, 80);
}

export function renderConversations() {
  const query = $('search').value.trim().toLowerCase();
  const digits = query.replace(/[\s\-.()+]/g, '');
  const sorted = [...state.conversations].sort(
    (a, b) => (b.lastMessageTime || 0) - (a.lastMessageTime || 0),
  );
  const shown = sorted.filter((c) => {
    if (!query) return true;
    const haystack = `${c.name || ''} ${c.lastMessage || ''}`.toLowerCase();
    return haystack.includes(query) || (digits && (c.phoneNumber || c.id).includes(digits));
  });
  const items = shown.map((c) => {
    const item = el('li', 'conversation');
    item.dataset.id = c.id;
    const button = el('button', 'conversation-button');
    button.type = 'button';
    if (state.open && state.open.id === c.id) {
      item.classList.add('active');
      button.setAttribute('aria-current', 'true');
    }
    const top = el('span', 'row');
    top.append(el('span', 'name', conversationTitle(c)));
    const time = el('time', 'time', formatTime(c.lastMessageTime));
    if (c.lastMessageTime) time.dateTime = new Date(c.lastMessageTime * 1000).toISOString();
    top.append(time);
    const bottom = el('span', 'row');
    bottom.append(el('span', 'preview', c.lastMessage || ''));
    if (c.unreadCount > 0) {
      const badge = el('span', 'badge', c.unreadCount);
      badge.setAttribute('aria-label', `${c.unreadCount} unread`);
      bottom.append(badge);
    }
    button.append(top, bottom);
    button.addEventListener('click', () => actions.openConversation(c.id, conversationTitle(c)));
    item.append(button);
    return item;
  });
  $('conversations').replaceChildren(...items);
  show($('no-conversations'), items.length === 0);
  $('no-conversations').textContent = query ? 'No conversation matches.' : 'No conversations yet.';
  renderSessionList();
}

export function startNewChat(event) {
  event.preventDefault();
  const input = $('new-phone');
  const phone = normalisePhone(input.value);
  if (!phone) {
    setError($('new-chat-error'), 'Enter a phone number with country code, e.g. +55 11 99999-9999.');
    input.focus();
    return;
  }
  setError($('new-chat-error'), '');
  input.value = '';
  const id = `${phone}@c.us`;
  const known = state.conversations.find((c) => c.id === id);
  actions.openConversation(id, known ? conversationTitle(known) : `+${phone}`);
  $('message-input').focus();
}

/** Marks the open conversation read; `force` when a message just arrived in it. */
export async function markRead(force) {
  const open = state.open;
  if (!open) return;
  const conversation = state.conversations.find((c) => c.id === open.id);
  if (force !== true && (!conversation || conversation.unreadCount === 0)) return;
  try {
    await api('POST', `${conversationPath(open.id)}/read?${sessionQuery()}`);
    const current = state.conversations.find((c) => c.id === open.id);
    if (current) current.unreadCount = 0;
    renderConversations();
    scheduleConversationRefresh();
  } catch {
    // the badge stays; nothing else depends on it
  }
}
