// One message as a bubble: its sender, quote, media, text, time, ticks and failure actions.

import { el } from '../dom.js';
import { formatTime, fullTime } from '../format.js';

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

/**
 * The bubble of `message`. `quoted` is the text of the message it answers (or `null`), `group`
 * whether the sender's name is shown, `canReply` whether it has a server id yet; `onReply` and
 * `onRetry` are called by its buttons.
 */
export function messageBubble(message, { quoted, group, canReply, onReply, onRetry }) {
  const bubble = el('div', 'bubble');
  if (!message.isFromMe && message.senderName && group) {
    bubble.append(el('div', 'sender', message.senderName));
  }
  if (message.quotedMessage) {
    bubble.append(el('blockquote', 'quoted', quoted || 'an earlier message'));
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
  if (canReply) {
    const reply = el('button', 'reply link', 'Reply');
    reply.type = 'button';
    reply.addEventListener('click', () => onReply(message));
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
      retry.addEventListener('click', () => onRetry(message));
      actions.append(retry);
    }
    bubble.append(actions);
  }
  return bubble;
}
