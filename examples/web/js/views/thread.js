// The open conversation: its messages, paged from the newest, kept in time order and updated live.

import { actions } from '../actions.js';
import { api, conversationPath, sessionQuery } from '../api.js';
import { $, announce, el, setError, show } from '../dom.js';
import { forwardStatus, phoneOf } from '../format.js';
import { PAGE_SIZE, state } from '../state.js';
import { markRead, renderConversations, scheduleConversationRefresh } from './conversations.js';
import { messageBubble } from './message.js';

export function closeThread() {
  state.open = null;
  state.messages.clear();
  state.aliases.clear();
  state.inflight = [];
  state.replyTo = null;
  $('messages').replaceChildren();
  $('thread-title').textContent = 'No conversation open';
  $('thread-subtitle').textContent = '';
  show($('composer'), false);
  show($('thread-empty'), true);
  show($('reply-preview'), false);
  document.body.classList.remove('thread-open');
}

export async function openConversation(id, title) {
  closeThread();
  state.open = { id, title, page: 0, hasMore: true, loading: false };
  $('thread-title').textContent = title;
  $('thread-subtitle').textContent = id.endsWith('@c.us') ? `+${phoneOf(id)}` : id;
  setError($('send-error'), '');
  show($('thread-empty'), false);
  show($('composer'), true);
  document.body.classList.add('thread-open');
  renderConversations();
  await loadOlder();
  markRead(false);
}

export async function loadOlder() {
  const open = state.open;
  if (!open || open.loading || !open.hasMore) return;
  open.loading = true;
  show($('thread-more'), open.page > 0);
  const thread = $('thread');
  const before = thread.scrollHeight - thread.scrollTop;
  try {
    const page = await api(
      'GET',
      `${conversationPath(open.id)}/messages?${sessionQuery()}&page=${open.page + 1}&limit=${PAGE_SIZE}`,
    );
    if (state.open !== open) return;
    open.page += 1;
    open.hasMore = Boolean(page && page.hasMore);
    const first = open.page === 1;
    const list = (page && Array.isArray(page.messages)) ? page.messages : [];
    // oldest first within the page; prepend in reverse to keep the order
    for (let i = list.length - 1; i >= 0; i -= 1) upsertMessage(list[i], false);
    if (first) {
      thread.scrollTop = thread.scrollHeight;
    } else {
      thread.scrollTop = thread.scrollHeight - before;
    }
  } catch (error) {
    if (error.status !== 401) setError($('send-error'), `Could not load messages: ${error.message}`);
  } finally {
    open.loading = false;
    show($('thread-more'), false);
  }
  // a short first page leaves nothing to scroll: keep loading until it can scroll
  if (state.open === open && open.hasMore && thread.scrollHeight <= thread.clientHeight) loadOlder();
}

/** Catches up on the newest page (after the live updates were interrupted). */
export async function reloadNewest() {
  const open = state.open;
  if (!open) return;
  try {
    const page = await api(
      'GET',
      `${conversationPath(open.id)}/messages?${sessionQuery()}&page=1&limit=${PAGE_SIZE}`,
    );
    if (state.open !== open || !page || !Array.isArray(page.messages)) return;
    for (const message of page.messages) {
      if (!resolveKey(message.id)) upsertMessage(message, true);
      else onStatusUpdate({ id: message.id, status: message.status });
    }
  } catch {
    // the next event or reload catches up
  }
}

export function onNewMessage(message) {
  if (!message || typeof message.id !== 'string') return;
  scheduleConversationRefresh();
  const here = Boolean(state.open && message.conversationId === state.open.id);
  if (!message.isFromMe) {
    const sender = message.senderName || phoneOf(message.senderId || message.conversationId);
    announce(here
      ? `${sender}: ${message.content || message.messageType}`
      : `New message from ${sender}`);
  }
  if (!here) return;
  if (message.isFromMe && message.id.startsWith('local-') && adoptPending(message)) return;
  upsertMessage(message, true);
  if (!message.isFromMe && document.visibilityState === 'visible') markRead(true);
}

export function onStatusUpdate(update) {
  if (!update || typeof update.id !== 'string') return;
  if (update.localId) {
    const key = resolveKey(update.localId);
    if (key && key !== update.id && state.messages.has(key)) rekey(key, update.id);
  }
  const key = resolveKey(update.id);
  const message = key && state.messages.get(key);
  if (message) {
    message.status = forwardStatus(message.status, update.status);
    renderMessage(message);
  }
  scheduleConversationRefresh();
}

export function resolveKey(id) {
  let key = id;
  for (let i = 0; i < 4 && state.aliases.has(key); i += 1) key = state.aliases.get(key);
  return state.messages.has(key) ? key : null;
}

export function rekey(from, to) {
  const message = state.messages.get(from);
  if (!message) return;
  state.messages.delete(from);
  state.aliases.set(from, to);
  const existing = state.messages.get(to);
  message.id = to;
  if (existing) {
    // the server's copy is already shown: keep the furthest status, drop the duplicate bubble
    message.status = forwardStatus(message.status, existing.status);
    const node = messageNode(to);
    if (node) node.remove();
  }
  const node = messageNode(from);
  if (node) node.dataset.id = to;
  state.messages.set(to, message);
  renderMessage(message);
}

/** The backend's pending copy of a message this page is sending: take its id. */
function adoptPending(message) {
  const index = state.inflight.findIndex(
    (p) => p.conversationId === message.conversationId && p.content === message.content,
  );
  if (index < 0) return false;
  const pending = state.inflight[index];
  state.inflight.splice(index, 1);
  if (pending.resolvedId) {
    state.aliases.set(message.id, pending.resolvedId);
  } else {
    pending.localId = message.id;
    rekey(pending.key, message.id);
  }
  return true;
}

export function messageNode(id) {
  for (const node of $('messages').children) if (node.dataset.id === id) return node;
  return null;
}

/** Adds a message (at the end when `append`, else at the top) or updates the shown one. */
export function upsertMessage(message, append) {
  const key = resolveKey(message.id);
  if (key) {
    const shown = state.messages.get(key);
    shown.status = forwardStatus(shown.status, message.status);
    renderMessage(shown);
    return;
  }
  state.messages.set(message.id, { ...message });
  const node = el('li', 'message');
  node.dataset.id = message.id;
  const list = $('messages');
  const thread = $('thread');
  const atBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 60;
  if (append) {
    // keep time order: place before the first later message
    const later = [...list.children].find((n) => {
      const other = state.messages.get(n.dataset.id);
      return other && other.timestamp > message.timestamp;
    });
    list.insertBefore(node, later || null);
  } else {
    list.prepend(node);
  }
  renderMessage(state.messages.get(message.id));
  // a quoted reply shown before its quoted message was loaded: fill it in now
  for (const other of state.messages.values()) {
    if (other.quotedMessage === message.id) renderMessage(other);
  }
  if (append && (atBottom || message.isFromMe)) thread.scrollTop = thread.scrollHeight;
}

export function renderMessage(message) {
  const node = messageNode(message.id);
  if (!node) return;
  node.className = `message ${message.isFromMe ? 'out' : 'in'}`;
  node.dataset.status = message.status;
  let quoted = null;
  if (message.quotedMessage) {
    const quotedKey = resolveKey(message.quotedMessage);
    const original = quotedKey && state.messages.get(quotedKey);
    if (original) quoted = original.content || original.messageType;
  }
  node.replaceChildren(messageBubble(message, {
    quoted,
    group: Boolean(state.open && state.open.id.endsWith('@g.us')),
    canReply: !message.id.startsWith('tmp-') && !message.id.startsWith('local-'),
    onReply: setReply,
    onRetry: actions.retry,
  }));
}

/** Quotes `message` in the next send (`null`: no quote). */
export function setReply(message) {
  state.replyTo = message ? message.id : null;
  $('reply-text').textContent = message ? (message.content || message.messageType) : '';
  show($('reply-preview'), Boolean(message));
  if (message) $('message-input').focus();
}
