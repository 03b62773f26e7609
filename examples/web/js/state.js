// The page's state: one object, changed only by the modules that own each part.

export const TOKEN_KEY = 'wpp.token';
export const SESSION_KEY = 'wpp.session';
export const PAGE_SIZE = 30;

export const state = {
  token: null,
  session: '',
  sessionInfo: null,
  // every stored session (name, status), and the unread messages of each, for the session list
  sessionList: [],
  unread: new Map(),
  unreadTimers: new Map(),
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
