// The composer: a message typed in the open conversation, shown at once, then settled by the
// backend's answer.

import { api } from '../api.js';
import { $, setError } from '../dom.js';
import { forwardStatus, normalisePhone, phoneOf } from '../format.js';
import { state } from '../state.js';
import { scheduleConversationRefresh } from './conversations.js';
import {
  messageNode, rekey, renderMessage, resolveKey, setReply, upsertMessage,
} from './thread.js';

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

/** Sends a failed message again, as a new message; the failed one says it was retried. */
export function retrySend(message) {
  message.retried = true;
  renderMessage(message);
  send(message.content, message.quotedMessage);
}

export function submitComposer(event) {
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

/** Grows the text box with its text, up to 160 px. */
export function autosize() {
  const input = $('message-input');
  input.style.height = 'auto';
  const borders = input.offsetHeight - input.clientHeight;
  input.style.height = `${Math.min(input.scrollHeight + borders, 160)}px`;
}
