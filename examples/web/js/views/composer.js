// The composer: a message or a file for the open conversation, shown at once under the id the
// page chose (`clientId`), then updated by the backend's answer and pushes, which carry the
// same `clientId`.

import { api, upload } from '../api.js';
import { $, setError } from '../dom.js';
import { normalisePhone, phoneOf } from '../format.js';
import { state } from '../state.js';
import { clearAttachment, fileType } from './attachment.js';
import { scheduleConversationRefresh } from './conversations.js';
import { dropMessage, findKey, renderMessage, setReply, upsertMessage } from './thread.js';

/** A new `clientId`: a random UUID (also on plain-HTTP pages, where `randomUUID` is missing). */
export function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Sends `text` (with `quotedId`, a server id, as a reply) or, with `attachment`, a file with
 * `text` as its caption. Never repeated by itself: a failure shows the bubble failed, with a
 * Retry for the person.
 */
function send(text, quotedId, attachment) {
  const open = state.open;
  if (!open) return;
  const phone = normalisePhone(phoneOf(open.id));
  if (!phone) {
    setError($('send-error'), 'This conversation has no valid phone number to send to.');
    return;
  }
  const clientId = newClientId();
  const local = {
    id: clientId,
    clientId,
    conversationId: open.id,
    senderId: '',
    senderName: null,
    content: text,
    messageType: attachment ? fileType(attachment.file) : 'chat',
    timestamp: Math.floor(Date.now() / 1000),
    status: 'pending',
    isFromMe: true,
    quotedMessage: quotedId || null,
    mediaUrl: attachment ? attachment.preview : null,
  };
  if (attachment) {
    Object.assign(local, {
      fileName: attachment.file.name,
      fileSize: attachment.file.size,
      mimeType: attachment.file.type || null,
      // kept for a retry, and to show the picture until the server's copy has an address
      file: attachment.file,
      preview: attachment.preview,
    });
  }
  upsertMessage(local, true);
  post(local, phone);
}

/**
 * Posts the shown message `message` (its `clientId` included) to the backend and shows the
 * outcome. The same `clientId` posted twice is never sent twice: the backend answers 409 with
 * what it stored the first time.
 */
async function post(message, phone) {
  const open = state.open;
  const { clientId } = message;
  setError($('send-error'), '');
  try {
    const stored = message.file
      ? await upload('/api/messages', {
        session: state.session, to: phone, caption: message.content || undefined, clientId, file: message.file,
      })
      : await api('POST', '/api/messages', {
        sessionName: state.session,
        phone,
        message: message.content,
        clientId,
        quotedMessageId: message.quotedMessage || undefined,
      });
    if (state.open !== open) return;
    settle(stored, clientId, null);
  } catch (error) {
    if (state.open !== open) return;
    const stored = error.body && error.body.stored;
    if (error.body && error.body.error === 'duplicate_client_id' && stored) {
      // an earlier post of this message did reach the backend: this is its outcome
      message.unanswered = false;
      settle(stored, clientId, null);
      return;
    }
    if (stored && typeof stored.id === 'string') {
      settle(stored, clientId, 'failed');
    } else if (error.status === 0) {
      // no answer: the backend may have it. A Retry posts the same clientId, so it is sent at
      // most once whatever happened
      message.status = 'failed';
      message.unanswered = true;
      renderMessage(message);
    } else {
      // refused before anything was stored (bad input): nothing was sent
      dropMessage(clientId);
      if (!message.file) $('message-input').value = $('message-input').value || message.content;
    }
    if (error.status !== 401) setError($('send-error'), `Not sent: ${error.message}`);
  }
}

/**
 * A send the outbox could not make: shows why, from its delivery (`GET
 * /api/messages/{clientId}/delivery`): the server's refusal, or an unknown outcome.
 */
export async function explainFailure(message) {
  const session = state.session;
  let reason = 'the server did not send it';
  try {
    const delivery = await api('GET', `/api/messages/${encodeURIComponent(message.clientId)}/delivery?session=${encodeURIComponent(session)}`);
    if (delivery && typeof delivery.reason === 'string') reason = delivery.reason;
  } catch {
    // the reason stays generic
  }
  if (state.session === session) setError($('send-error'), `Not sent: ${reason}`);
}

/** The send answered with the stored message; `status` overrides its status (`failed`). */
function settle(stored, clientId, status) {
  if (stored && typeof stored.id === 'string') {
    upsertMessage({ ...stored, clientId: stored.clientId || clientId }, true);
  }
  const key = findKey({ id: stored && stored.id, clientId });
  const message = key && state.messages.get(key);
  if (message && status === 'failed') {
    // a send that failed is failed whatever the stream said before
    message.status = 'failed';
    renderMessage(message);
  }
  scheduleConversationRefresh();
}

/**
 * The person's Retry of a failed message. One the backend refused is sent again as a new
 * message (the failed one says it was retried); one whose post got no answer is posted again
 * under the same `clientId`, in place.
 */
export function retrySend(message) {
  if (message.unanswered) {
    const phone = normalisePhone(phoneOf(message.conversationId));
    if (!phone) return;
    message.unanswered = false;
    message.status = 'pending';
    renderMessage(message);
    post(message, phone);
    return;
  }
  message.retried = true;
  renderMessage(message);
  const attachment = message.file ? { file: message.file, preview: message.preview || null } : null;
  send(message.content, message.quotedMessage, attachment);
}

export function submitComposer(event) {
  if (event) event.preventDefault();
  const input = $('message-input');
  const text = input.value;
  const attachment = state.attachment;
  if (!text.trim() && !attachment) return;
  input.value = '';
  autosize();
  const quoted = state.replyTo;
  setReply(null);
  clearAttachment();
  send(attachment ? text.trim() : text, attachment ? null : quoted, attachment);
}

/** Grows the text box with its text, up to 160 px. */
export function autosize() {
  const input = $('message-input');
  input.style.height = 'auto';
  const borders = input.offsetHeight - input.clientHeight;
  input.style.height = `${Math.min(input.scrollHeight + borders, 160)}px`;
}
