// Live updates: one Server-Sent Events stream, its state shown in the top bar, each push handed
// to the handler of its type.

import { $ } from './dom.js';
import { state } from './state.js';

/** The push types the page follows. */
const PUSHES = ['new-message', 'status-update', 'session-status', 'campaign-progress'];

export function closeEvents() {
  if (state.events) state.events.close();
  state.events = null;
  setLive('off');
}

function setLive(mode) {
  const live = $('live');
  live.dataset.live = mode;
  live.textContent = mode === 'on' ? 'live' : mode === 'retry' ? 'reconnecting…' : 'offline';
}

/**
 * Opens the stream of every session (the shown one and the others, for their badges).
 * `handlers.open` runs on each (re)connection, to catch up; `handlers.refused` when the server
 * closed the stream for good (it should find out why and return a promise);
 * `handlers[type](data)` for each push of that type about the shown session, and
 * `handlers.other(type, data, session)` for a push about another session.
 */
export function connectEvents(handlers) {
  closeEvents();
  const url = `/api/events?access_token=${encodeURIComponent(state.token)}`;
  const source = new EventSource(url);
  state.events = source;
  source.onopen = () => {
    setLive('on');
    handlers.open();
  };
  source.onerror = () => {
    if (state.events !== source) return;
    if (source.readyState === EventSource.CLOSED) {
      // the server refused the stream (expired token?): ask the API, which signs out on 401
      setLive('off');
      handlers.refused().then(() => {
        if (state.token && state.events === source) setTimeout(() => connectEvents(handlers), 3000);
      });
    } else {
      setLive('retry');
    }
  };
  for (const type of PUSHES) {
    source.addEventListener(type, (event) => {
      let payload;
      try {
        payload = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!payload || typeof payload.session !== 'string') return;
      if (payload.session === state.session) {
        if (handlers[type]) handlers[type](payload.data);
      } else {
        handlers.other(type, payload.data, payload.session);
      }
    });
  }
}
