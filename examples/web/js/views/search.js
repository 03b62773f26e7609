// The search view: `GET /api/search` with its filters, hits with the server's snippet (its
// `<mark>`s the only markup taken from it), paged by the API's cursor; a hit opens its thread at
// the message (`GET …/messages?around=` tells which page holds it; older pages are loaded until
// it is shown, then it is scrolled into view and highlighted).

import { actions } from '../actions.js';
import { api, conversationPath } from '../api.js';
import { $, announce, el, setError, show } from '../dom.js';
import { conversationTitle, formatTime, fullTime, normalisePhone, phoneOf } from '../format.js';
import { PAGE_SIZE, state } from '../state.js';
import { findKey, loadOlder, messageNode } from './thread.js';

const ENTITIES = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#39;': "'" };

/** The text of escaped HTML: the five entities the API writes; anything else stays as it is. */
export function unescapeHtml(text) {
  return text.replace(/&(?:lt|gt|amp|quot|#39);/g, (entity) => ENTITIES[entity]);
}

/**
 * The nodes of a snippet (HTML from the API: escaped text with `<mark>…</mark>` around the
 * matches): text nodes and `mark` elements. No other markup is made from it: a tag in the text
 * arrives escaped and stays text, and a stray `<mark>` of some other shape is text too.
 */
export function snippetNodes(html) {
  const nodes = [];
  let marked = false;
  for (const part of String(html).split(/(<mark>|<\/mark>)/)) {
    if (part === '<mark>') {
      marked = true;
    } else if (part === '</mark>') {
      marked = false;
    } else if (part) {
      const text = unescapeHtml(part);
      nodes.push(marked ? el('mark', null, text) : document.createTextNode(text));
    }
  }
  return nodes;
}

/** The filters as typed, as the API's query (empty ones left out). */
function filters() {
  const params = new URLSearchParams();
  params.set('q', $('search-q').value.trim());
  const session = $('search-session').value.trim();
  if (session) params.set('session', session);
  const conversation = $('search-conversation').value.trim();
  if (conversation) {
    // a phone number as typed, or a chat id (`…@c.us`, `…@g.us`)
    const phone = conversation.includes('@') ? null : normalisePhone(conversation);
    params.set('conversation', phone ? `${phone}@c.us` : conversation);
  }
  for (const [name, id] of [
    ['direction', 'search-direction'], ['type', 'search-type'], ['status', 'search-status-filter'],
    ['from', 'search-from'], ['to', 'search-to'],
  ]) {
    const value = $(id).value.trim();
    if (value) params.set(name, value);
  }
  return params;
}

/** The view was opened: the session filter starts at the shown session. */
export function showSearch() {
  if (!state.search.touched) $('search-session').value = state.session;
  $('search-conversations').replaceChildren(...state.conversations.map((c) => {
    const option = document.createElement('option');
    option.value = c.id;
    option.label = conversationTitle(c);
    return option;
  }));
  $('search-q').focus();
}

let showChats = () => {};

/** Wires the form; `onOpen` switches the page to the conversations when a hit opens one. */
export function initSearch(onOpen) {
  showChats = onOpen;
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    runSearch();
  });
  $('search-session').addEventListener('input', () => { state.search.touched = true; });
  $('search-more').addEventListener('click', () => fetchPage(true));
}

function setStatus(text) {
  $('search-status').textContent = text;
}

export function runSearch() {
  if (!$('search-q').value.trim()) {
    setError($('search-error'), 'Type a word to search for.');
    $('search-q').focus();
    return;
  }
  const from = $('search-from').value;
  const to = $('search-to').value;
  if (from && to && from > to) {
    setError($('search-error'), 'The first day is after the last one.');
    return;
  }
  state.search.params = filters();
  state.search.cursor = null;
  state.search.count = 0;
  $('search-results').replaceChildren();
  fetchPage(false);
}

/** Fetches the first page of the current search, or (`more`) the next one. */
async function fetchPage(more) {
  const params = new URLSearchParams(state.search.params);
  if (more) {
    if (!state.search.cursor) return;
    params.set('cursor', state.search.cursor);
  }
  const request = (state.search.request || 0) + 1;
  state.search.request = request;
  setError($('search-error'), '');
  setStatus(more ? 'Loading more…' : 'Searching…');
  $('search-more').disabled = true;
  $('search-results').setAttribute('aria-busy', 'true');
  try {
    const page = await api('GET', `/api/search?${params}`);
    if (state.search.request !== request) return;
    const hits = page && Array.isArray(page.hits) ? page.hits : [];
    const list = $('search-results');
    const first = list.children.length;
    for (const hit of hits) if (hit && hit.message) list.append(hitItem(hit));
    state.search.count += hits.length;
    state.search.cursor = (page && typeof page.nextCursor === 'string') ? page.nextCursor : null;
    show($('search-more'), Boolean(state.search.cursor));
    const count = state.search.count;
    const found = count === 0
      ? 'No message matches.'
      : `${count} ${count === 1 ? 'message' : 'messages'} found${state.search.cursor ? ', more below' : ''}.`;
    setStatus(found);
    // after "More", the first new hit takes the focus, so the keyboard goes on from there
    if (more && list.children[first]) list.children[first].querySelector('button').focus();
  } catch (error) {
    if (state.search.request !== request) return;
    setStatus('');
    if (error.status !== 401) setError($('search-error'), `Search failed: ${error.message}`);
  } finally {
    if (state.search.request === request) {
      $('search-more').disabled = false;
      $('search-results').removeAttribute('aria-busy');
    }
  }
}

/** The name of a hit's conversation: the known conversation's, the sender's, or the number. */
function hitTitle(hit) {
  const known = hit.session === state.session
    && state.conversations.find((c) => c.id === hit.conversationId);
  if (known) return conversationTitle(known);
  if (!hit.message.isFromMe && hit.message.senderName) return hit.message.senderName;
  const id = hit.conversationId;
  return id.endsWith('@c.us') ? `+${phoneOf(id)}` : id;
}

function hitItem(hit) {
  const message = hit.message;
  const item = el('li', 'search-hit');
  item.dataset.id = message.id;
  item.dataset.session = hit.session;
  item.dataset.conversation = hit.conversationId;
  const button = el('button', 'hit-button');
  button.type = 'button';
  const top = el('span', 'row');
  top.append(el('span', 'name', hitTitle(hit)));
  const time = el('time', 'time', formatTime(message.timestamp));
  time.title = fullTime(message.timestamp);
  if (message.timestamp) time.dateTime = new Date(message.timestamp * 1000).toISOString();
  top.append(time);
  const details = [
    hit.session,
    message.isFromMe ? `sent, ${message.status}` : 'received',
    message.messageType !== 'chat' ? message.messageType : null,
  ].filter(Boolean).join(' · ');
  const snippet = el('span', 'snippet');
  snippet.append(...snippetNodes(hit.snippet || ''));
  button.append(top, el('span', 'hit-details small muted', details), snippet);
  button.addEventListener('click', () => openHit(hit, button));
  item.append(button);
  return item;
}

const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * Opens the hit's conversation (in its session) at the message: the page that holds it is asked
 * first (a message deleted since is said so, and nothing changes), then the thread loads older
 * pages until the message is there, scrolls it into view and highlights it.
 */
export async function openHit(hit, button) {
  const id = hit.message.id;
  let around;
  try {
    around = await api(
      'GET',
      `${conversationPath(hit.conversationId)}/messages?session=${encodeURIComponent(hit.session)}`
        + `&around=${encodeURIComponent(id)}&limit=${PAGE_SIZE}`,
    );
  } catch (error) {
    if (error.status === 401) return;
    setError($('search-error'), error.status === 404
      ? 'That message is no longer stored.'
      : `Could not open the conversation: ${error.message}`);
    if (button) button.focus();
    return;
  }
  const target = Math.max(1, Number(around && around.page) || 1);
  showChats();
  if (hit.session !== state.session) await actions.selectSession(hit.session);
  await actions.openConversation(hit.conversationId, hitTitle(hit));
  const open = state.open;
  if (!open || open.id !== hit.conversationId) return;
  // older pages until the message is shown; a message that arrived meanwhile may move it one
  // page further; a page that fails to load is not asked for forever
  let loads = 0;
  while (state.open === open && !findKey({ id })) {
    if (open.loading) {
      await pause(30);
      continue;
    }
    if (!open.hasMore || open.page > target || loads > target + 2) break;
    loads += 1;
    await loadOlder();
  }
  if (state.open !== open) return;
  const key = findKey({ id });
  const node = key && messageNode(key);
  if (!node) {
    setError($('send-error'), 'The message found is no longer in this conversation.');
    return;
  }
  for (const old of document.querySelectorAll('#messages [data-found]')) delete old.dataset.found;
  node.dataset.found = 'true';
  node.tabIndex = -1;
  node.scrollIntoView({ block: 'center' });
  node.focus({ preventScroll: true });
  announce('The message found is highlighted in the conversation.');
}
