// The analytics view: a session's (or every session's) figures per UTC day from
// `GET /api/analytics`, as bar charts drawn by the page (`charts.js`) with a table of the same
// figures beside them for screen readers and for exact numbers.

import { api } from '../api.js';
import { $, el, setError, show } from '../dom.js';
import { barChart, figureTable } from '../charts.js';
import { state } from '../state.js';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a time (UTC: the API's days are UTC days). */
const utcDate = (ms) => new Date(ms).toISOString().slice(0, 10);

/** `75%` (whole percents; one decimal under 10%); `—` without a figure. */
export function percent(rate) {
  if (typeof rate !== 'number' || !Number.isFinite(rate)) return '—';
  const value = rate * 100;
  return `${value > 0 && value < 10 ? value.toFixed(1) : Math.round(value)}%`;
}

/** A duration for people: `45 s`, `2 min`, `2 min 30 s`, `1 h 5 min`; `—` without one. */
export function duration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const rest = s % 60;
    return rest ? `${Math.floor(s / 60)} min ${rest} s` : `${s / 60} min`;
  }
  const minutes = Math.round((s % 3600) / 60);
  return minutes ? `${Math.floor(s / 3600)} h ${minutes} min` : `${Math.floor(s / 3600)} h`;
}

/** `14:00–15:00`, the hour `hour` of a UTC day. */
export const hourRange = (hour) => `${String(hour).padStart(2, '0')}:00–${String((hour + 1) % 24).padStart(2, '0')}:00`;

/** The form's defaults: the shown session, the last 7 days (UTC). */
function fillDefaults() {
  if (!$('analytics-to').value) $('analytics-to').value = utcDate(Date.now());
  if (!$('analytics-from').value) $('analytics-from').value = utcDate(Date.now() - 6 * DAY_MS);
  if (!state.analytics.touched) $('analytics-session').value = state.session;
}

/** The view was opened: its form filled in, its figures loaded (they change all the time). */
export function showAnalytics() {
  fillDefaults();
  loadAnalytics();
}

export function initAnalytics() {
  $('analytics-form').addEventListener('submit', (event) => {
    event.preventDefault();
    loadAnalytics();
  });
  $('analytics-session').addEventListener('input', () => { state.analytics.touched = true; });
  // charts are drawn at the width they have: again when it changes
  let timer = null;
  let width = 0;
  window.addEventListener('resize', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const now = $('analytics-output').clientWidth;
      if (state.analytics.data && !$('analytics-view').hidden && now !== width) {
        width = now;
        render(state.analytics.data);
      }
    }, 150);
  });
}

export async function loadAnalytics() {
  fillDefaults();
  const session = $('analytics-session').value.trim();
  const from = $('analytics-from').value;
  const to = $('analytics-to').value;
  const status = $('analytics-status');
  if (from && to && from > to) {
    setError($('analytics-error'), 'The first day is after the last one.');
    return;
  }
  setError($('analytics-error'), '');
  const params = new URLSearchParams();
  if (session) params.set('session', session);
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  const request = (state.analytics.request || 0) + 1;
  state.analytics.request = request;
  status.textContent = 'Loading…';
  $('analytics-view').setAttribute('aria-busy', 'true');
  try {
    const data = await api('GET', `/api/analytics?${params}`);
    if (state.analytics.request !== request) return;
    if (!data || !Array.isArray(data.days)) throw new Error('the answer has no days');
    state.analytics.data = data;
    render(data);
  } catch (error) {
    if (state.analytics.request !== request) return;
    status.textContent = '';
    if (error.status !== 401) setError($('analytics-error'), `Could not load the figures: ${error.message}`);
  } finally {
    if (state.analytics.request === request) $('analytics-view').removeAttribute('aria-busy');
  }
}

const num = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const orNull = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** The range's totals: messages, rates over all outgoing messages, the busiest hour. */
export function totals(days) {
  let messagesIn = 0;
  let messagesOut = 0;
  let delivered = 0;
  let read = 0;
  let responses = 0;
  const hours = new Array(24).fill(0);
  for (const day of days) {
    const out = num(day.messagesOut);
    messagesIn += num(day.messagesIn);
    messagesOut += out;
    // a day's rate is of its outgoing messages: back to counts, exact
    delivered += Math.round(num(day.deliveryRate) * out);
    read += Math.round(num(day.readRate) * out);
    responses += num(day.firstResponses);
    if (Array.isArray(day.hours)) day.hours.forEach((n, hour) => { if (hour < 24) hours[hour] += num(n); });
  }
  const most = Math.max(...hours);
  return {
    messagesIn,
    messagesOut,
    deliveryRate: messagesOut ? delivered / messagesOut : null,
    readRate: messagesOut ? read / messagesOut : null,
    firstResponses: responses,
    hours,
    busiestHour: most > 0 ? hours.indexOf(most) : null,
  };
}

function render(data) {
  const days = data.days;
  const sum = totals(days);
  const who = data.session ? `session ${data.session}` : 'every session';
  const range = data.from === data.to ? data.from : `${data.from} to ${data.to}`;
  $('analytics-status').textContent = `${who}, ${range} (UTC): ${sum.messagesIn} in, ${sum.messagesOut} out.`;
  // drawn at the width there is (up to 900 px), so that their text is the page's size
  const width = Math.min(900, Math.max(260, $('analytics-output').clientWidth - 2));
  const dates = days.map((d) => d.date);
  // "03-10" under the bars: the year and month are in the range above
  const short = days.length > 1 ? dates.map((d) => d.slice(5)) : dates;

  const cards = el('dl', 'totals');
  const card = (label, value, key) => {
    const box = el('div', 'total');
    box.dataset.total = key;
    box.append(el('dt', null, label), el('dd', null, value));
    cards.append(box);
  };
  card('Messages in', sum.messagesIn, 'in');
  card('Messages out', sum.messagesOut, 'out');
  card('Delivered', percent(sum.deliveryRate), 'delivered');
  card('Read', percent(sum.readRate), 'read');
  card('First responses', sum.firstResponses, 'responses');
  card('Busiest hour (UTC)', sum.busiestHour === null ? '—' : hourRange(sum.busiestHour), 'busiest');

  const listOf = (values) => values.map((v, i) => `${short[i]} ${v}`).join(', ');
  const messages = barChart({
    id: 'chart-messages',
    title: 'Messages per day',
    summary: `Messages received and sent per day. Received: ${listOf(days.map((d) => num(d.messagesIn)))}. `
      + `Sent: ${listOf(days.map((d) => num(d.messagesOut)))}.`,
    categories: short,
    series: [
      { key: 'in', name: 'received', values: days.map((d) => num(d.messagesIn)) },
      { key: 'out', name: 'sent', values: days.map((d) => num(d.messagesOut)) },
    ],
    width,
    whole: true,
  });
  const rates = barChart({
    id: 'chart-rates',
    title: 'Delivery and read rates of sent messages',
    summary: `Delivered: ${listOf(days.map((d) => percent(d.deliveryRate)))}. `
      + `Read: ${listOf(days.map((d) => percent(d.readRate)))}.`,
    categories: short,
    series: [
      { key: 'delivered', name: 'delivered', values: days.map((d) => orNull(d.deliveryRate)) },
      { key: 'read', name: 'read', values: days.map((d) => orNull(d.readRate)) },
    ],
    max: 1,
    format: percent,
    width,
  });
  const responses = barChart({
    id: 'chart-response',
    title: 'Median first-response time',
    summary: `Median time to answer a contact, per day: ${listOf(days.map((d) => duration(d.medianFirstResponseSeconds)))}.`,
    categories: short,
    series: [{
      key: 'response', name: 'median first response', values: days.map((d) => orNull(d.medianFirstResponseSeconds)),
    }],
    format: duration,
    width,
  });
  const busiest = sum.busiestHour === null ? -1 : sum.busiestHour;
  const hourLabels = sum.hours.map((_, h) => String(h));
  const hours = barChart({
    id: 'chart-hours',
    title: 'Messages by hour of the day (UTC)',
    summary: sum.busiestHour === null
      ? 'No messages in this range.'
      : `The busiest hour is ${hourRange(sum.busiestHour)} with ${sum.hours[sum.busiestHour]} messages. `
        + `By hour: ${sum.hours.map((n, h) => `${h}h ${n}`).join(', ')}.`,
    categories: hourLabels,
    series: [{ key: 'hour', name: 'messages', values: sum.hours }],
    width,
    whole: true,
    highlight: busiest,
  });

  const table = figureTable({
    id: 'analytics-table',
    caption: 'Figures per day (UTC)',
    columns: ['Day', 'In', 'Out', 'Delivered', 'Read', 'Median first response', 'Busiest hour'],
    rows: days.map((d) => [
      d.date,
      String(num(d.messagesIn)),
      String(num(d.messagesOut)),
      percent(d.deliveryRate),
      percent(d.readRate),
      d.firstResponses ? `${duration(d.medianFirstResponseSeconds)} (of ${d.firstResponses})` : '—',
      typeof d.busiestHour === 'number' ? hourRange(d.busiestHour) : '—',
    ]),
  });
  const hourTable = el('details', 'hour-table');
  hourTable.append(el('summary', null, 'Messages by hour (table)'));
  hourTable.append(figureTable({
    id: 'analytics-hours-table',
    caption: 'Messages by hour of the day (UTC), the whole range',
    columns: ['Hour', 'Messages'],
    rows: sum.hours.map((n, h) => [hourRange(h), String(n)]),
  }));

  const charts = el('div', 'charts');
  charts.append(messages, rates, responses, hours);
  $('analytics-output').replaceChildren(cards, charts, table, hourTable);
  show($('analytics-output'), true);
}
