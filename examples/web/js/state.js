// The page's state: one object, changed only by the modules that own each part.

export const TOKEN_KEY = 'wpp.token';
export const SESSION_KEY = 'wpp.session';
export const PAGE_SIZE = 30;

export const state = {
  token: null,
  me: null, // the signed-in user: { name, role, sessions }
  session: '',
  sessionInfo: null,
  phoneCode: null, // the pairing code of the shown session while it waits for it
  pairingPhone: null, // the number a pairing code was asked for
  // every stored session (name, status), and the unread messages of each, for the session list
  sessionList: [],
  unread: new Map(),
  unreadTimers: new Map(),
  conversations: [],
  open: null, // { id, title, page, hasMore, loading }
  // the open conversation's messages by key: the `clientId` of a message this page sent (it
  // keeps it from the page to the server's copy), else the server's id
  messages: new Map(),
  attachment: null, // the file chosen for the next send: { file, preview }
  replyTo: null,
  events: null,
  expiryTimer: null,
  refreshTimer: null,
  // how many session states were pushed: an answer to a request sent before the latest push is
  // older than what the page shows, and is not rendered over it
  sessionPushes: 0,
  view: 'chats', // the shown view: chats, search or analytics
  // the search view: the query sent (URLSearchParams), the next page's cursor, hits shown;
  // `request` numbers the requests so that only the latest answer is shown
  search: { params: null, cursor: null, count: 0, request: 0, touched: false },
  // the analytics view: the figures shown
  analytics: { data: null, request: 0, touched: false },
};
