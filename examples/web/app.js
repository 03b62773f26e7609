// The web console of the reference backend: plain DOM, the REST API with a JWT, live updates by
// Server-Sent Events. Every piece of data reaches the page through `textContent` or attributes,
// never as HTML.

const TOKEN_KEY = 'wpp.token';
const SESSION_KEY = 'wpp.session';
const PAGE_SIZE = 30;
// the API's rule, after removing spaces, dashes, dots and parentheses
const PHONE_RE = /^\+?[1-9]\d{1,14}$/;

const $ = (id) => document.getElementById(id);

const state = {
  token: null,
  session: '',
  sessionInfo: null,
  conversations: [],
  open: null, // { id, title, page, hasMore, loading }
  messages: new Map(), // key -> message (for the open conversation)
  aliases: new Map(), // local/temporary id -> current key
  inflight: [], // sends not yet matched with the backend's pending copy
  replyTo: null,
  events: null,
  expiryTimer: null,
  refreshTimer: null,
  tmpSeq: 0,
  // how many session states were pushed: an answer to a request sent before the latest push is
  // older than what the page shows, and is not rendered over it
  sessionPushes: 0,
};

// ---------------------------------------------------------------- helpers

/** Normalises a typed phone number; `null` when it breaks the API's rule. */
export function normalisePhone(input) {
  const cleaned = String(input).replace(/[\s\-.()]/g, '');
  return PHONE_RE.test(cleaned) ? cleaned.replace(/^\+/, '') : null;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function show(node, visible) {
  node.hidden = !visible;
}

function setError(node, message) {
  node.textContent = message || '';
  show(node, Boolean(message));
}

function formatTime(seconds) {
  if (!seconds) return '';
  const date = new Date(seconds * 1000);
  const now = new Date();
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString([], { day: '2-digit', month: 'short' });
}

function fullTime(seconds) {
  return seconds ? new Date(seconds * 1000).toLocaleString() : '';
}

function conversationTitle(conversation) {
  if (conversation.name) return conversation.name;
  if (conversation.phoneNumber) return '+' + conversation.phoneNumber;
  return conversation.id.replace(/@.*$/, '');
}

function phoneOf(conversationId) {
  return conversationId.replace(/@.*$/, '');
}

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.message || body.error)) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, { message: 'the backend cannot be reached' });
  }
  let data = null;
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text.slice(0, 200) };
    }
  }
  if (response.status === 401 && state.token) {
    signOut('Your login has expired or is no longer valid. Please log in again.');
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

const sessionPath = (name) => `/api/sessions/${encodeURIComponent(name)}`;
const conversationPath = (id) => `/api/conversations/${encodeURIComponent(id)}`;
const sessionQuery = () => `session=${encodeURIComponent(state.session)}`;

// ---------------------------------------------------------------- login

function tokenExpiry(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(payload));
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

function showLogin(message) {
  show($('app-view'), false);
  show($('login-view'), true);
  setError($('login-error'), message);
  $('password').value = '';
  $('password').focus();
}

async function logIn(event) {
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
    start(answer.token);
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

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  closeEvents();
  clearTimeout(state.expiryTimer);
  state.open = null;
  state.messages.clear();
  showLogin(message);
}

function start(token) {
  const expiry = tokenExpiry(token);
  if (expiry !== null && expiry <= Date.now()) {
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin('Your login has expired. Please log in again.');
    return;
  }
  state.token = token;
  clearTimeout(state.expiryTimer);
  if (expiry !== null) {
    // timers cap at ~24.8 days; tokens live hours
    state.expiryTimer = setTimeout(
      () => signOut('Your login has expired. Please log in again.'),
      Math.min(expiry - Date.now(), 2 ** 31 - 1),
    );
  }
  show($('login-view'), false);
  show($('app-view'), true);
  selectSession(sessionStorage.getItem(SESSION_KEY) || 'main');
}

// ---------------------------------------------------------------- sessions

function statusLabel(session) {
  if (!session) return 'disconnected';
  if (session.status === 'connecting' && session.qrCode) return 'QR';
  if (session.status === 'authenticated') return 'connecting';
  return session.status;
}

function renderSession(session) {
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
async function loadSessionNames() {
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
    button.addEventListener('click', () => selectSession(s.name));
    const label = statusLabel(current);
    const chip = el('span', 'status small', label);
    chip.dataset.status = label.toLowerCase();
    item.append(button, chip);
    return item;
  }));
  if (sessions.length === 0) $('session-list').append(el('li', 'muted small', 'None started yet.'));
}

async function selectSession(name) {
  name = name.trim();
  if (!name) return;
  state.session = name;
  sessionStorage.setItem(SESSION_KEY, name);
  $('session-name').value = name;
  closeThread();
  renderSession(null);
  connectEvents();
  await Promise.all([refreshSession(), refreshConversations()]);
}

async function refreshSession() {
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

async function startSession() {
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

async function logoutSession() {
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

// ---------------------------------------------------------------- live updates

function closeEvents() {
  if (state.events) state.events.close();
  state.events = null;
  setLive('off');
}

function setLive(mode) {
  const live = $('live');
  live.dataset.live = mode;
  live.textContent = mode === 'on' ? 'live' : mode === 'retry' ? 'reconnecting…' : 'offline';
}

function connectEvents() {
  closeEvents();
  const url = `/api/events?${sessionQuery()}&access_token=${encodeURIComponent(state.token)}`;
  const source = new EventSource(url);
  state.events = source;
  source.onopen = () => {
    setLive('on');
    // catch up on what happened while disconnected
    refreshConversations();
    refreshSession();
    if (state.open) reloadNewest();
  };
  source.onerror = () => {
    if (state.events !== source) return;
    if (source.readyState === EventSource.CLOSED) {
      // the server refused the stream (expired token?): ask the API, which signs out on 401
      setLive('off');
      refreshSession().then(() => {
        if (state.token && state.events === source) setTimeout(connectEvents, 3000);
      });
    } else {
      setLive('retry');
    }
  };
  const handler = (fn) => (event) => {
    let payload;
    try {
      payload = JSON.parse(event.data);
    } catch {
      return;
    }
    if (payload && payload.session === state.session) fn(payload.data);
  };
  source.addEventListener('new-message', handler(onNewMessage));
  source.addEventListener('status-update', handler(onStatusUpdate));
  source.addEventListener('session-status', handler((data) => {
    const session = data && data.session && typeof data.session === 'object' ? data.session : data;
    if (session && session.name === state.session) {
      state.sessionPushes += 1;
      const before = state.sessionInfo && statusLabel(state.sessionInfo);
      renderSession(session);
      if (before !== statusLabel(session)) loadSessionNames();
    }
  }));
}

function onNewMessage(message) {
  if (!message || typeof message.id !== 'string') return;
  scheduleConversationRefresh();
  if (!state.open || message.conversationId !== state.open.id) return;
  if (message.isFromMe && message.id.startsWith('local-') && adoptPending(message)) return;
  upsertMessage(message, true);
  if (!message.isFromMe && document.visibilityState === 'visible') markRead(true);
}

function onStatusUpdate(update) {
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

const STATUS_RANK = { failed: -1, pending: 0, sent: 1, delivered: 2, read: 3 };

/** A status only moves forward; only a pending message can fail. */
function forwardStatus(current, next) {
  if (!(next in STATUS_RANK)) return current;
  if (current === 'failed') return current;
  if (next === 'failed') return current === 'pending' ? 'failed' : current;
  return STATUS_RANK[next] > STATUS_RANK[current] ? next : current;
}

function resolveKey(id) {
  let key = id;
  for (let i = 0; i < 4 && state.aliases.has(key); i += 1) key = state.aliases.get(key);
  return state.messages.has(key) ? key : null;
}

function rekey(from, to) {
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

function scheduleConversationRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(refreshConversations, 80);
}

// ---------------------------------------------------------------- conversations

async function refreshConversations() {
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

function renderConversations() {
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
    button.addEventListener('click', () => openConversation(c.id, conversationTitle(c)));
    item.append(button);
    return item;
  });
  $('conversations').replaceChildren(...items);
  show($('no-conversations'), items.length === 0);
  $('no-conversations').textContent = query ? 'No conversation matches.' : 'No conversations yet.';
}

function startNewChat(event) {
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
  openConversation(id, known ? conversationTitle(known) : `+${phone}`);
  $('message-input').focus();
}

// ---------------------------------------------------------------- thread

function closeThread() {
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

async function openConversation(id, title) {
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

/** Marks the open conversation read; `force` when a message just arrived in it. */
async function markRead(force) {
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

async function loadOlder() {
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

async function reloadNewest() {
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

function messageNode(id) {
  for (const node of $('messages').children) if (node.dataset.id === id) return node;
  return null;
}

/** Adds a message (at the end when `append`, else at the top) or updates the shown one. */
function upsertMessage(message, append) {
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

const TICKS = {
  pending: ['🕓', 'pending'],
  sent: ['✓', 'sent'],
  delivered: ['✓✓', 'delivered'],
  read: ['✓✓', 'read'],
  failed: ['!', 'failed'],
};

function mediaBlock(message) {
  const type = message.messageType;
  const url = message.mediaUrl && /^(https?:|data:image\/|\/)/.test(message.mediaUrl) ? message.mediaUrl : null;
  const box = el('div', `media media-${type}`);
  switch (type) {
    case 'image':
    case 'sticker':
      if (url) {
        const img = el('img', 'thumb');
        img.src = url;
        img.alt = type === 'sticker' ? 'Sticker' : 'Image';
        img.loading = 'lazy';
        box.append(img);
      } else {
        box.append(el('span', 'media-label', type === 'sticker' ? '🖼 Sticker' : '📷 Photo'));
      }
      return box;
    case 'video':
      box.append(el('span', 'media-label', '🎬 Video'));
      return box;
    case 'audio':
    case 'ptt':
      if (url) {
        const audio = el('audio');
        audio.controls = true;
        audio.src = url;
        box.append(audio);
      } else {
        box.append(el('span', 'media-label', type === 'ptt' ? '🎤 Voice message' : '🎵 Audio'));
      }
      return box;
    case 'document': {
      const label = `📄 ${message.content || 'Document'}`;
      if (url) {
        const link = el('a', 'media-label', label);
        link.href = url;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        box.append(link);
      } else {
        box.append(el('span', 'media-label', label));
      }
      return box;
    }
    case 'location':
      box.append(el('span', 'media-label', '📍 Location'));
      return box;
    case 'vcard':
    case 'multi_vcard':
      box.append(el('span', 'media-label', '👤 Contact card'));
      return box;
    case 'poll_creation':
      box.append(el('span', 'media-label', '📊 Poll'));
      return box;
    default:
      return null;
  }
}

function renderMessage(message) {
  const node = messageNode(message.id);
  if (!node) return;
  node.className = `message ${message.isFromMe ? 'out' : 'in'}`;
  node.dataset.status = message.status;
  const bubble = el('div', 'bubble');
  if (!message.isFromMe && message.senderName && state.open && state.open.id.endsWith('@g.us')) {
    bubble.append(el('div', 'sender', message.senderName));
  }
  if (message.quotedMessage) {
    const quotedKey = resolveKey(message.quotedMessage);
    const quoted = quotedKey && state.messages.get(quotedKey);
    const text = quoted ? (quoted.content || quoted.messageType) : 'an earlier message';
    bubble.append(el('blockquote', 'quoted', text));
  }
  const media = mediaBlock(message);
  if (media) bubble.append(media);
  if (message.content && message.messageType !== 'document') {
    bubble.append(el('div', 'body', message.content));
  } else if (message.content) {
    // a document's content is its name, already shown
  } else if (!media) {
    bubble.append(el('div', 'body muted', `[${message.messageType}]`));
  }
  const meta = el('div', 'meta');
  if (!message.id.startsWith('tmp-') && !message.id.startsWith('local-')) {
    const reply = el('button', 'reply link', 'Reply');
    reply.type = 'button';
    reply.addEventListener('click', () => setReply(message));
    meta.append(reply);
  }
  const time = el('time', 'time', formatTime(message.timestamp));
  time.title = fullTime(message.timestamp);
  meta.append(time);
  if (message.isFromMe) {
    const [symbol, label] = TICKS[message.status] || ['', message.status];
    const tick = el('span', `tick tick-${message.status}`, symbol);
    tick.title = label;
    tick.setAttribute('aria-label', label);
    meta.append(tick);
  }
  bubble.append(meta);
  if (message.status === 'failed' && message.isFromMe) {
    const actions = el('div', 'actions');
    const note = el('span', 'failed-note', message.retried ? 'Not sent (retried below)' : 'Not sent');
    actions.append(note);
    if (!message.retried) {
      const retry = el('button', 'retry', 'Retry');
      retry.type = 'button';
      retry.addEventListener('click', () => retrySend(message));
      actions.append(retry);
    }
    bubble.append(actions);
  }
  node.replaceChildren(bubble);
}

function setReply(message) {
  state.replyTo = message ? message.id : null;
  $('reply-text').textContent = message ? (message.content || message.messageType) : '';
  show($('reply-preview'), Boolean(message));
  if (message) $('message-input').focus();
}

// ---------------------------------------------------------------- sending

async function send(text, quotedId) {
  const open = state.open;
  if (!open) return;
  const phone = normalisePhone(phoneOf(open.id));
  if (!phone) {
    setError($('send-error'), 'This conversation has no valid phone number to send to.');
    return;
  }
  setError($('send-error'), '');
  state.tmpSeq += 1;
  const key = `tmp-${state.tmpSeq}`;
  const pending = { key, conversationId: open.id, content: text, localId: null, resolvedId: null };
  state.inflight.push(pending);
  upsertMessage({
    id: key,
    conversationId: open.id,
    senderId: '',
    senderName: null,
    content: text,
    messageType: 'chat',
    timestamp: Math.floor(Date.now() / 1000),
    status: 'pending',
    isFromMe: true,
    quotedMessage: quotedId || null,
    mediaUrl: null,
  }, true);
  const body = { sessionName: state.session, phone, message: text };
  if (quotedId) body.quotedMessageId = quotedId;
  try {
    const stored = await api('POST', '/api/messages', body);
    if (state.open !== open) return;
    settle(pending, stored.id, stored.status);
  } catch (error) {
    if (state.open !== open) return;
    const stored = error.body && error.body.stored;
    if (stored && typeof stored.id === 'string') {
      settle(pending, stored.id, 'failed');
    } else {
      // refused before anything was stored (bad input): nothing was sent
      const current = resolveKey(pending.localId || key) || key;
      const node = messageNode(current);
      if (node) node.remove();
      state.messages.delete(current);
      const index = state.inflight.indexOf(pending);
      if (index >= 0) state.inflight.splice(index, 1);
      $('message-input').value = $('message-input').value || text;
    }
    if (error.status !== 401) setError($('send-error'), `Not sent: ${error.message}`);
  }
}

/** The send answered: the bubble takes the stored id and status. */
function settle(pending, id, status) {
  const current = resolveKey(pending.localId || pending.key) || resolveKey(id);
  if (current && current !== id) rekey(current, id);
  if (!pending.localId) {
    // the backend's pending copy has not arrived yet: recognise it when it does
    pending.resolvedId = id;
  }
  const message = state.messages.get(resolveKey(id) || id);
  if (message) {
    // a send that failed is failed whatever the stream said before
    message.status = status === 'failed' ? 'failed' : forwardStatus(message.status, status);
    renderMessage(message);
  }
  scheduleConversationRefresh();
}

function retrySend(message) {
  message.retried = true;
  renderMessage(message);
  send(message.content, message.quotedMessage);
}

function submitComposer(event) {
  if (event) event.preventDefault();
  const input = $('message-input');
  const text = input.value;
  if (!text.trim()) return;
  input.value = '';
  autosize();
  const quoted = state.replyTo;
  setReply(null);
  send(text, quoted);
}

function autosize() {
  const input = $('message-input');
  input.style.height = 'auto';
  const borders = input.offsetHeight - input.clientHeight;
  input.style.height = `${Math.min(input.scrollHeight + borders, 160)}px`;
}

// ---------------------------------------------------------------- wiring

function init() {
  $('login-form').addEventListener('submit', logIn);
  $('logout').addEventListener('click', () => signOut('You signed out.'));
  $('session-form').addEventListener('submit', (event) => {
    event.preventDefault();
    selectSession($('session-name').value);
  });
  $('start-session').addEventListener('click', async () => {
    const typed = $('session-name').value.trim();
    if (typed && typed !== state.session) await selectSession(typed);
    startSession();
  });
  $('logout-session').addEventListener('click', logoutSession);
  $('search').addEventListener('input', renderConversations);
  $('new-chat-form').addEventListener('submit', startNewChat);
  $('composer').addEventListener('submit', submitComposer);
  $('message-input').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) submitComposer(event);
    if (event.key === 'Escape') setReply(null);
  });
  $('message-input').addEventListener('input', autosize);
  $('reply-cancel').addEventListener('click', () => setReply(null));
  $('back').addEventListener('click', () => {
    document.body.classList.remove('thread-open');
    const active = document.querySelector('.conversation.active button');
    if (active) active.focus();
  });
  $('thread').addEventListener('scroll', () => {
    if ($('thread').scrollTop < 80) loadOlder();
  });
  window.addEventListener('focus', () => markRead(false));

  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) start(token);
  else showLogin('');
}

init();
