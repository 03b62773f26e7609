// Bulk sends: one text to many numbers of the shown session (`POST /api/campaigns`), and its
// progress as the outbox sends it (`campaign-progress` pushes, `GET /api/campaigns/{id}` to
// catch up).

import { api } from '../api.js';
import { $, setError } from '../dom.js';
import { state } from '../state.js';

/** The campaign this page started last, by id: its latest progress. */
let shown = null;

/** The numbers typed, one per line or separated by commas or semicolons. */
function recipients(text) {
  return text.split(/[\n,;]+/).map((r) => r.trim()).filter((r) => r);
}

function render(progress) {
  shown = progress;
  const out = $('campaign-progress');
  const { total, sent, failed, unknown, queued, sending } = progress;
  out.textContent = `Campaign ${progress.id}: ${sent} of ${total} sent`
    + (failed ? `, ${failed} refused` : '')
    + (unknown ? `, ${unknown} with an unknown outcome (not resent)` : '')
    + (progress.done ? ' — done' : `, ${queued + sending} waiting`);
  out.dataset.done = String(progress.done);
  out.hidden = false;
}

/** The form's submit: the campaign is checked and queued by the backend, or refused as a whole. */
export async function submitCampaign(event) {
  event.preventDefault();
  setError($('campaign-error'), '');
  const body = {
    session: state.session,
    recipients: recipients($('campaign-recipients').value),
    text: $('campaign-text').value,
  };
  try {
    render(await api('POST', '/api/campaigns', body));
    $('campaign-recipients').value = '';
    $('campaign-text').value = '';
  } catch (error) {
    if (error.status !== 401) setError($('campaign-error'), `Not queued: ${error.message}`);
  }
}

/** A `campaign-progress` push of the shown session. */
export function onCampaignProgress(progress) {
  if (!progress || typeof progress.id !== 'number') return;
  if (shown && progress.id === shown.id) render(progress);
}

/** After a reconnection: the progress missed meanwhile. */
export async function refreshCampaign() {
  if (!shown) return;
  try {
    render(await api('GET', `/api/campaigns/${shown.id}`));
  } catch {
    // the next push brings it
  }
}
