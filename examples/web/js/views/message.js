// One message as a bubble: its sender, quote, media, text, time, ticks and failure actions.

import { el } from '../dom.js';
import {
  coordinates, formatCoordinates, formatSize, formatTime, fullTime, mapUrl, safeMediaUrl,
} from '../format.js';

const TICKS = {
  pending: ['🕓', 'pending'],
  sent: ['✓', 'sent'],
  delivered: ['✓✓', 'delivered'],
  read: ['✓✓', 'read'],
  failed: ['!', 'failed'],
};

function link(className, text, url, label) {
  const a = el('a', className, text);
  a.href = url;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  if (label) a.setAttribute('aria-label', label);
  return a;
}

/** A document: its file name (a link when it can be fetched), size and type. */
function documentBlock(box, message, url) {
  const name = message.fileName || 'Document';
  box.append(url
    ? link('media-label file-name', `📄 ${name}`, url, `Open the document ${name}`)
    : el('span', 'media-label file-name', `📄 ${name}`));
  const details = [formatSize(message.fileSize), message.mimeType || ''].filter(Boolean);
  if (details.length) box.append(el('span', 'file-details small muted', details.join(' · ')));
  return box;
}

/** A location: its name and address, its coordinates and a link to the map. */
function locationBlock(box, message) {
  const location = message.location || {};
  box.append(el('span', 'media-label place-name', `📍 ${location.name || 'Location'}`));
  if (location.address) box.append(el('span', 'place-address small', location.address));
  const point = coordinates(location);
  if (point) {
    box.append(el('span', 'coordinates small muted', formatCoordinates(point)));
    box.append(link('map-link small', 'Open in OpenStreetMap', mapUrl(point),
      `Open ${location.name || 'the location'} in OpenStreetMap (new tab)`));
  }
  return box;
}

function mediaBlock(message) {
  const type = message.messageType;
  const url = safeMediaUrl(message.mediaUrl);
  const box = el('div', `media media-${type}`);
  switch (type) {
    case 'image':
    case 'sticker':
      if (url) {
        const img = el('img', 'thumb');
        img.src = url;
        img.alt = type === 'sticker' ? 'Sticker' : (message.content ? `Image: ${message.content}` : 'Image');
        img.loading = 'lazy';
        if (type === 'image' && !url.startsWith('data:')) {
          const open = link('thumb-link', null, url, 'Open the image in full size (new tab)');
          open.append(img);
          box.append(open);
        } else {
          box.append(img);
        }
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
    case 'document':
      return documentBlock(box, message, url);
    case 'location':
      return locationBlock(box, message);
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
  if (message.content) {
    // the text, or a media's caption
    bubble.append(el('div', 'body', message.content));
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
    let text = 'Not sent';
    if (message.retried) text = 'Not sent (retried below)';
    else if (message.unanswered) text = 'No answer: maybe not sent';
    const note = el('span', 'failed-note', text);
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
