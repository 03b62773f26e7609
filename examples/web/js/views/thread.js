// The open conversation: its messages, paged from the newest, kept in time order and updated live.

import { actions } from '../actions.js';
import { api, conversationPath, sessionQuery } from '../api.js';
import { $, announce, el, setError, show } from '../dom.js';
import { forwardStatus, phoneOf } from '../format.js';
import { PAGE_SIZE, state } from '../state.js';
import { markRead, renderConversations, scheduleConversationRefresh } from './conversations.js';
import { clearAttachment } from './attachment.js';
import { messageBubble } from './message.js';

export function closeThread() {
  state.open = null;
  state.messages.clear();
  state.replyTo = null;
  $('messages').replaceChildren();
  $('thread-title').textContent = 'No conversation open';
  $('thread-subtitle').textContent = '';
  show($('composer'), false);
  show($('thread-empty'), true);
  show($('reply-preview'), false);
  clearAttachment();
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
    for (const message of page.messages) upsertMessage(message, true);
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
  upsertMessage(message, true);
  if (!message.isFromMe && document.visibilityState === 'visible') markRead(true);
}

export function onStatusUpdate(update) {
  if (!update || typeof update.id !== 'string') return;
  const key = findKey(update);
  const message = key && state.messages.get(key);
  if (message) {
    const was = message.status;
    if (update.id !== message.clientId) message.id = update.id;
    message.status = pushedStatus(message.status, update.status);
    renderMessage(message);
    if (was !== 'failed' && message.status === 'failed' && message.clientId) actions.sendFailed(message);
  }
  scheduleConversationRefresh();
}

/**
 * The status the server pushed, unless it is behind the shown one. A send that failed here
 * moves on when the server proves it delivered after all (the backend adopts it): showing it
 * failed would invite a second send.
 */
function pushedStatus(current, next) {
  if (current === 'failed' && ['sent', 'delivered', 'read'].includes(next)) return next;
  return forwardStatus(current, next);
}

/** The key of a shown message: the id its sender chose, or the server's id. */
const keyOf = (message) => message.clientId || message.id;

/** The key under which the message `{id, clientId}` is shown; `null` when it is not. */
export function findKey({ id, clientId }) {
  if (clientId && state.messages.has(clientId)) return clientId;
  if (state.messages.has(id)) return id;
  for (const [key, message] of state.messages) if (message.id === id) return key;
  return null;
}

/** The shown message with the server id `id`. */
function byServerId(id) {
  const key = findKey({ id });
  return key ? state.messages.get(key) : null;
}

export function messageNode(key) {
  for (const node of $('messages').children) if (node.dataset.key === key) return node;
  return null;
}

/**
 * Adds a message (at the end when `append`, else at the top) or updates the shown one: the
 * server's copy of a message this page sent has the same `clientId`.
 */
export function upsertMessage(message, append) {
  const key = findKey(message);
  if (key) {
    const shown = state.messages.get(key);
    const status = pushedStatus(shown.status, message.status);
    const clientId = shown.clientId || message.clientId;
    // a late copy from before the server gave its id does not take it back
    const id = message.id === clientId && shown.id !== clientId ? shown.id : message.id;
    Object.assign(shown, message, {
      id, status, clientId, retried: shown.retried, file: shown.file,
    });
    if (!message.mediaUrl && shown.preview) shown.mediaUrl = shown.preview;
    renderMessage(shown);
    return;
  }
  const stored = { ...message };
  state.messages.set(keyOf(stored), stored);
  const node = el('li', 'message');
  node.dataset.key = keyOf(stored);
  const list = $('messages');
  const thread = $('thread');
  const atBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 60;
  if (append) {
    // keep time order: place before the first later message
    const later = [...list.children].find((n) => {
      const other = state.messages.get(n.dataset.key);
      return other && other.timestamp > message.timestamp;
    });
    list.insertBefore(node, later || null);
  } else {
    list.prepend(node);
  }
  renderMessage(stored);
  // a quoted reply shown before its quoted message was loaded: fill it in now
  for (const other of state.messages.values()) {
    if (other.quotedMessage && other.quotedMessage === stored.id) renderMessage(other);
  }
  if (append && (atBottom || message.isFromMe)) thread.scrollTop = thread.scrollHeight;
}

/** Removes a message this page showed but the backend refused (nothing was sent). */
export function dropMessage(key) {
  const node = messageNode(key);
  if (node) node.remove();
  state.messages.delete(key);
}

export function renderMessage(message) {
  const node = messageNode(keyOf(message));
  if (!node) return;
  node.className = `message ${message.isFromMe ? 'out' : 'in'}`;
  node.dataset.status = message.status;
  node.dataset.id = message.id;
  let quoted = null;
  if (message.quotedMessage) {
    const original = byServerId(message.quotedMessage);
    if (original) quoted = original.content || original.fileName || original.messageType;
  }
  node.replaceChildren(messageBubble(message, {
    quoted,
    group: Boolean(state.open && state.open.id.endsWith('@g.us')),
    // a reply quotes the server's id: only once the server gave one
    canReply: !message.clientId || message.id !== message.clientId,
    onReply: setReply,
    onRetry: (failed) => actions.retry(failed),
  }));
}

/** Quotes `message` in the next send (`null`: no quote). */
export function setReply(message) {
  state.replyTo = message ? message.id : null;
  $('reply-text').textContent = message ? (message.content || message.messageType) : '';
  show($('reply-preview'), Boolean(message));
  if (message) $('message-input').focus();
}
