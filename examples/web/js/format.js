// Pure functions: what the page shows for a value. No DOM, no state.

// the API's rule, after removing spaces, dashes, dots and parentheses
const PHONE_RE = /^\+?[1-9]\d{6,14}$/;

/** Normalises a typed phone number; `null` when it breaks the API's rule. */
export function normalisePhone(input) {
  const cleaned = String(input).replace(/[\s\-.()]/g, '');
  return PHONE_RE.test(cleaned) ? cleaned.replace(/^\+/, '') : null;
}

export function formatTime(seconds) {
  if (!seconds) return '';
  const date = new Date(seconds * 1000);
  const now = new Date();
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString([], { day: '2-digit', month: 'short' });
}

export function fullTime(seconds) {
  return seconds ? new Date(seconds * 1000).toLocaleString() : '';
}

export function phoneOf(conversationId) {
  return conversationId.replace(/@.*$/, '');
}

export function conversationTitle(conversation) {
  if (conversation.name) return conversation.name;
  if (conversation.phoneNumber) return '+' + conversation.phoneNumber;
  return phoneOf(conversation.id);
}

/** The label of a session's state, as the status chip shows it. */
export function statusLabel(session) {
  if (!session) return 'disconnected';
  if (session.status === 'connecting' && session.qrCode) return 'QR';
  if (session.status === 'authenticated') return 'connecting';
  return session.status;
}

const STATUS_RANK = { failed: -1, pending: 0, sent: 1, delivered: 2, read: 3 };

/** A status only moves forward; only a pending message can fail. */
export function forwardStatus(current, next) {
  if (!(next in STATUS_RANK)) return current;
  if (current === 'failed') return current;
  if (next === 'failed') return current === 'pending' ? 'failed' : current;
  return STATUS_RANK[next] > STATUS_RANK[current] ? next : current;
}

/** A file size for people: `329 bytes`, `12.4 KB`, `3.1 MB`. */
export function formatSize(bytes) {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The coordinates of a location, `null` unless both are numbers in range. */
export function coordinates(location) {
  if (!location) return null;
  const { latitude, longitude } = location;
  const fits = (value, limit) => typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit;
  return fits(latitude, 90) && fits(longitude, 180) ? { latitude, longitude } : null;
}

/** `-22.97110, -43.18220`: five decimals, about a metre. */
export function formatCoordinates({ latitude, longitude }) {
  return `${latitude.toFixed(5)}, ${longitude.toFixed(5)}`;
}

/** The OpenStreetMap page of a point, with a marker on it. */
export function mapUrl({ latitude, longitude }) {
  const lat = encodeURIComponent(String(latitude));
  const lon = encodeURIComponent(String(longitude));
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
}

/** A media address the page may load or link: web, same-origin, or an inline image. */
export function safeMediaUrl(url) {
  return typeof url === 'string' && /^(https?:|data:image\/|\/(?!\/))/i.test(url) ? url : null;
}
