// The web console of the reference backend: plain DOM, the REST API with a JWT, live updates by
// Server-Sent Events. This file wires the modules of `js/` together:
//
// - `state.js` the page's state, `api.js` the REST API, `events.js` the live updates;
// - `views/`: login, sessions (the shown one) and session-list, conversations, thread (and
//   one message), composer (and the attached file), rules (automatic replies), users (the
//   role; the admins' Users view); search and analytics (charts.js draws).
//
// Every piece of data reaches the page through `textContent` or attributes, never as HTML.

import { actions } from './js/actions.js';
import { onUnauthorized } from './js/api.js';
import { $ } from './js/dom.js';
import { closeEvents, connectEvents } from './js/events.js';
import { SESSION_KEY, TOKEN_KEY, state } from './js/state.js';
import { attachFile, clearAttachment } from './js/views/attachment.js';
import { onCampaignProgress, refreshCampaign, submitCampaign } from './js/views/campaign.js';
import {
  autosize, explainFailure, retrySend, submitComposer,
} from './js/views/composer.js';
import {
  markRead, refreshConversations, renderConversations, startNewChat,
} from './js/views/conversations.js';
import { initAnalytics, showAnalytics } from './js/views/analytics.js';
import { logIn, showLogin, tokenExpiry } from './js/views/login.js';
import { initSearch, showSearch } from './js/views/search.js';
import { initRules } from './js/views/rules.js';
import { onOtherSessionPush } from './js/views/session-list.js';
import {
  logoutSession, onSessionPush, refreshSession, renderSession, startSession, startWithPhone,
} from './js/views/sessions.js';
import {
  closeThread, loadOlder, onNewMessage, onStatusUpdate, openConversation, reloadNewest, setReply,
} from './js/views/thread.js';
import {
  addUser, closeUsers, firstSession, loadMe, openUsers,
} from './js/views/users.js';

const VIEWS = ['chats', 'search', 'analytics'];

/** Shows one of the views: the conversations, the search, the analytics. */
function showView(name) {
  if (!VIEWS.includes(name)) return;
  state.view = name;
  document.body.dataset.view = name;
  for (const view of VIEWS) {
    const tab = $(`nav-${view}`);
    if (view === name) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  $('search-view').hidden = name !== 'search';
  $('analytics-view').hidden = name !== 'analytics';
  if (name === 'search') showSearch();
  if (name === 'analytics') showAnalytics();
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  closeEvents();
  clearTimeout(state.expiryTimer);
  state.open = null;
  state.me = null;
  delete document.body.dataset.role;
  closeUsers();
  state.messages.clear();
  state.analytics.data = null;
  showView('chats');
  showLogin(message);
}

async function start(token) {
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
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  // what the role may use, and a session it may read, before anything is asked
  await loadMe();
  if (!state.token) return;
  selectSession(firstSession(sessionStorage.getItem(SESSION_KEY) || 'main'));
}

const liveHandlers = {
  open() {
    // catch up on what happened while disconnected
    refreshConversations();
    refreshSession();
    if (state.open) reloadNewest();
    refreshCampaign();
  },
  refused: refreshSession,
  other: onOtherSessionPush,
  'new-message': onNewMessage,
  'status-update': onStatusUpdate,
  'session-status': onSessionPush,
  'campaign-progress': onCampaignProgress,
};

async function selectSession(name) {
  name = name.trim();
  if (!name) return;
  state.session = name;
  sessionStorage.setItem(SESSION_KEY, name);
  $('session-name').value = name;
  closeThread();
  renderSession(null);
  if (!state.events) connectEvents(liveHandlers);
  await Promise.all([refreshSession(), refreshConversations()]);
}

function init() {
  Object.assign(actions, {
    openConversation, selectSession, retry: retrySend, sendFailed: explainFailure,
  });
  onUnauthorized(signOut);
  initSearch(() => showView('chats'));
  initAnalytics();
  for (const view of VIEWS) $(`nav-${view}`).addEventListener('click', () => showView(view));
  document.body.dataset.view = state.view;

  $('login-form').addEventListener('submit', (event) => logIn(event, start));
  $('campaign-form').addEventListener('submit', submitCampaign);
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
  initRules();
  $('users-open').addEventListener('click', openUsers);
  $('users-close').addEventListener('click', closeUsers);
  $('user-form').addEventListener('submit', addUser);
  $('pairing-form').addEventListener('submit', startWithPhone);
  $('search').addEventListener('input', renderConversations);
  $('new-chat-form').addEventListener('submit', startNewChat);
  $('composer').addEventListener('submit', submitComposer);
  $('message-input').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) submitComposer(event);
    if (event.key === 'Escape') setReply(null);
  });
  $('message-input').addEventListener('input', autosize);
  $('reply-cancel').addEventListener('click', () => setReply(null));
  $('file-input').addEventListener('change', attachFile);
  $('attachment-remove').addEventListener('click', () => {
    clearAttachment();
    $('file-input').focus();
  });
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
