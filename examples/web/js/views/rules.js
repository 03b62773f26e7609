// The automatic-reply rules of the shown session (`/api/sessions/{name}/rules`): the list, a
// form to add or edit one, enable/disable, delete, and the engine's latest decisions (what was
// sent, and why a reply was skipped). Opened from the top bar's "Rules" button in a modal
// <dialog>, built here on first use. Every value reaches the page as text.

import { api, sessionPath } from '../api.js';
import { $, el, setError, show } from '../dom.js';
import { fullTime, phoneOf } from '../format.js';
import { state } from '../state.js';

// how many of the latest decisions the dialog shows
const DECISIONS = 10;

const DAYS = [
  ['mon', 'Mon'], ['tue', 'Tue'], ['wed', 'Wed'], ['thu', 'Thu'],
  ['fri', 'Fri'], ['sat', 'Sat'], ['sun', 'Sun'],
];
const TRIGGERS = [
  ['keyword', 'Keyword'],
  ['regex', 'Regular expression'],
  ['firstMessage', 'First message of a conversation'],
];

// the rules shown, and the id of the one the form edits (null: a new rule)
let rules = [];
let editing = null;

/** Wires the "Rules" button. */
export function initRules() {
  $('open-rules').addEventListener('click', openRules);
}

/** Opens the dialog on the shown session's rules. */
export async function openRules() {
  const dialog = $('rules-dialog');
  if (!dialog.firstChild) build(dialog);
  $('rules-title').textContent = `Automatic replies: ${state.session}`;
  editRule(null);
  if (!dialog.open) dialog.showModal();
  await Promise.all([loadRules(), loadDecisions()]);
}

const rulesPath = () => `${sessionPath(state.session)}/rules`;

async function loadRules() {
  try {
    const list = await api('GET', rulesPath());
    rules = Array.isArray(list) ? list : [];
    setError($('rules-error'), '');
  } catch (error) {
    rules = [];
    if (error.status !== 401) setError($('rules-error'), `Could not load the rules: ${error.message}`);
  }
  renderRules();
}

/** The engine's latest decisions, newest first. */
async function loadDecisions() {
  let list = [];
  try {
    const answer = await api('GET', `${sessionPath(state.session)}/auto-replies?limit=${DECISIONS}`);
    if (Array.isArray(answer)) list = answer;
  } catch {
    // a log for people; the rules are what matters here
  }
  const byRule = new Map(rules.map((r) => [r.id, r.name]));
  $('decisions-list').replaceChildren(...list.map((d) => {
    const item = el('li', 'decision');
    item.dataset.status = d.status;
    item.dataset.trigger = d.triggerId;
    const what = d.reason ? `${d.status} (${d.reason})` : d.status;
    item.append(
      el('span', 'decision-status small', what),
      el('span', 'small muted', `+${phoneOf(d.contact)} · ${byRule.get(d.ruleId) || `rule ${d.ruleId}`} · ${fullTime(Math.floor(d.createdAt / 1000))}`),
      el('span', 'decision-reply', d.reply),
    );
    return item;
  }));
  show($('decisions-empty'), list.length === 0);
}

function labelled(text, control) {
  const label = el('label', 'rule-field');
  label.append(el('span', 'small muted', text), control);
  return label;
}

function input(id, placeholder) {
  const node = el('input');
  node.id = id;
  node.autocomplete = 'off';
  node.spellcheck = false;
  if (placeholder) node.placeholder = placeholder;
  return node;
}

function checkbox(id, text) {
  const label = el('label', 'rule-check');
  const box = el('input');
  box.type = 'checkbox';
  box.id = id;
  label.append(box, el('span', null, text));
  return label;
}

function select(id, options) {
  const node = el('select');
  node.id = id;
  for (const [value, text] of options) {
    const option = el('option', null, text);
    option.value = value;
    node.append(option);
  }
  return node;
}

/** The dialog's content: title, list, form. */
function build(dialog) {
  const header = el('header', 'rules-header');
  const title = el('h2', null, 'Automatic replies');
  title.id = 'rules-title';
  const close = el('button', 'link', '✕');
  close.type = 'button';
  close.id = 'rules-close';
  close.setAttribute('aria-label', 'Close the rules');
  close.addEventListener('click', () => dialog.close());
  header.append(title, close);

  const error = el('p', 'error small');
  error.id = 'rules-error';
  error.setAttribute('role', 'alert');
  error.hidden = true;
  const list = el('ul', 'rules-list');
  list.id = 'rules-list';
  const empty = el('p', 'muted small', 'No rules yet: add one below.');
  empty.id = 'rules-empty';

  const form = el('form', 'rule-form');
  form.id = 'rule-form';
  form.noValidate = true;
  const legend = el('h3', null, 'New rule');
  legend.id = 'rule-form-title';
  const trigger = select('rule-trigger', TRIGGERS);
  trigger.addEventListener('change', syncForm);
  const template = el('textarea');
  template.id = 'rule-template';
  template.rows = 3;
  template.placeholder = 'Hello {name}! We answer from 9:00 to 18:00.';
  const days = el('fieldset', 'rule-days');
  days.id = 'rule-days';
  days.append(el('legend', 'small muted', 'Days'));
  for (const [value, text] of DAYS) {
    const label = el('label', 'rule-check');
    const box = el('input');
    box.type = 'checkbox';
    box.name = 'day';
    box.value = value;
    label.append(box, el('span', null, text));
    days.append(label);
  }
  const hours = el('div', 'rule-hours');
  hours.id = 'rule-hours-fields';
  hours.append(
    days,
    labelled('From', input('rule-from', '09:00')),
    labelled('To', input('rule-to', '18:00')),
    labelled('UTC offset', input('rule-offset', '-03:00')),
    labelled('Reply', select('rule-when', [['inside', 'inside these hours'], ['outside', 'outside these hours']])),
  );
  const hoursBox = checkbox('rule-hours', 'Only at certain hours');
  hoursBox.querySelector('input').addEventListener('change', syncForm);
  const save = el('button', null, 'Save rule');
  save.type = 'submit';
  save.id = 'rule-save';
  const cancel = el('button', 'secondary', 'Cancel');
  cancel.type = 'button';
  cancel.id = 'rule-cancel';
  cancel.addEventListener('click', () => editRule(null));
  const formError = el('p', 'error small');
  formError.id = 'rule-error';
  formError.setAttribute('role', 'alert');
  formError.hidden = true;
  const buttons = el('div', 'rule-buttons');
  buttons.append(save, cancel);
  form.append(
    legend,
    labelled('Name', input('rule-name', 'Prices')),
    labelled('Trigger', trigger),
    labelled('Keywords (comma-separated) or regular expression', input('rule-pattern', 'price, preço')),
    labelled('Reply', template),
    el('p', 'small muted', 'Variables: {name} {phone} {time} {date}. Write {{ and }} for braces.'),
    hoursBox,
    hours,
    checkbox('rule-groups', 'Also in groups (the reply goes privately to the author)'),
    checkbox('rule-enabled', 'Enabled'),
    formError,
    buttons,
  );
  form.addEventListener('submit', saveRule);

  const decisions = el('section', 'decisions');
  decisions.setAttribute('aria-labelledby', 'decisions-title');
  const decisionsHeader = el('header', 'rules-header');
  const decisionsTitle = el('h3', null, 'Latest automatic replies');
  decisionsTitle.id = 'decisions-title';
  const refresh = el('button', 'link', 'Refresh');
  refresh.type = 'button';
  refresh.id = 'decisions-refresh';
  refresh.addEventListener('click', loadDecisions);
  decisionsHeader.append(decisionsTitle, refresh);
  const decisionsList = el('ol', 'decisions-list');
  decisionsList.id = 'decisions-list';
  const decisionsEmpty = el('p', 'muted small', 'None yet.');
  decisionsEmpty.id = 'decisions-empty';
  decisions.append(decisionsHeader, decisionsList, decisionsEmpty);

  dialog.append(header, error, list, empty, form, decisions);
}

/** Hides what the chosen trigger and the hours box do not use. */
function syncForm() {
  const first = $('rule-trigger').value === 'firstMessage';
  show($('rule-pattern').closest('label'), !first);
  show($('rule-hours-fields'), $('rule-hours').checked);
}

/** A rule in one line: its trigger, hours and flags. */
function summary(rule) {
  const parts = [];
  if (rule.trigger === 'keyword') parts.push(`keywords: ${rule.pattern}`);
  else if (rule.trigger === 'regex') parts.push(`regex: ${rule.pattern}`);
  else parts.push('first message of a conversation');
  if (rule.hours) {
    const h = rule.hours;
    parts.push(`${h.when} ${h.days.join(',')} ${h.from}–${h.to} (UTC${h.utcOffset})`);
  }
  if (rule.groups) parts.push('groups too');
  return parts.join(' · ');
}

function renderRules() {
  const list = $('rules-list');
  list.replaceChildren(...rules.map((rule) => {
    const item = el('li', 'rule');
    item.dataset.id = String(rule.id);
    item.dataset.enabled = String(rule.enabled);
    const text = el('div', 'rule-text');
    text.append(
      el('strong', 'rule-name', rule.name),
      el('span', 'rule-summary small muted', summary(rule)),
      el('span', 'rule-template', rule.template),
    );
    const toggle = el('label', 'rule-check');
    const box = el('input', 'rule-enabled');
    box.type = 'checkbox';
    box.checked = rule.enabled;
    box.setAttribute('aria-label', `Enable ${rule.name}`);
    box.addEventListener('change', () => patchRule(rule, { enabled: box.checked }));
    toggle.append(box, el('span', 'small', 'on'));
    const edit = el('button', 'link rule-edit', 'Edit');
    edit.type = 'button';
    edit.addEventListener('click', () => editRule(rule));
    const remove = el('button', 'link rule-delete', 'Delete');
    remove.type = 'button';
    remove.addEventListener('click', () => deleteRule(rule));
    item.append(text, toggle, edit, remove);
    return item;
  }));
  show($('rules-empty'), rules.length === 0);
}

/** Fills the form with `rule` (or empties it for a new one). */
function editRule(rule) {
  editing = rule ? rule.id : null;
  $('rule-form-title').textContent = rule ? `Edit rule: ${rule.name}` : 'New rule';
  $('rule-name').value = rule ? rule.name : '';
  $('rule-trigger').value = rule ? rule.trigger : 'keyword';
  $('rule-pattern').value = rule && rule.pattern ? rule.pattern : '';
  $('rule-template').value = rule ? rule.template : '';
  const hours = rule && rule.hours;
  $('rule-hours').checked = Boolean(hours);
  for (const box of document.querySelectorAll('#rule-days input[name="day"]')) {
    box.checked = hours ? hours.days.includes(box.value) : !['sat', 'sun'].includes(box.value);
  }
  $('rule-from').value = hours ? hours.from : '09:00';
  $('rule-to').value = hours ? hours.to : '18:00';
  $('rule-offset').value = hours ? hours.utcOffset : browserOffset();
  $('rule-when').value = hours ? hours.when : 'inside';
  $('rule-groups').checked = Boolean(rule && rule.groups);
  $('rule-enabled').checked = rule ? rule.enabled : true;
  $('rule-cancel').hidden = !rule;
  setError($('rule-error'), '');
  syncForm();
}

/** This browser's offset from UTC as `+HH:MM`. */
function browserOffset() {
  const minutes = -new Date().getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The form as the API takes it. */
function formBody() {
  const trigger = $('rule-trigger').value;
  const body = {
    name: $('rule-name').value.trim(),
    trigger,
    pattern: trigger === 'firstMessage' ? null : $('rule-pattern').value,
    template: $('rule-template').value,
    hours: null,
    groups: $('rule-groups').checked,
    enabled: $('rule-enabled').checked,
  };
  if ($('rule-hours').checked) {
    body.hours = {
      days: [...document.querySelectorAll('#rule-days input[name="day"]:checked')].map((b) => b.value),
      from: $('rule-from').value.trim(),
      to: $('rule-to').value.trim(),
      utcOffset: $('rule-offset').value.trim(),
      when: $('rule-when').value,
    };
  }
  return body;
}

async function saveRule(event) {
  event.preventDefault();
  const save = $('rule-save');
  save.disabled = true;
  try {
    if (editing === null) await api('POST', rulesPath(), formBody());
    else await api('PATCH', `${rulesPath()}/${editing}`, formBody());
    editRule(null);
    await loadRules();
  } catch (error) {
    // the backend says what is wrong: an unknown {variable}, an invalid expression…
    if (error.status !== 401) setError($('rule-error'), error.message);
  } finally {
    save.disabled = false;
  }
}

async function patchRule(rule, change) {
  try {
    await api('PATCH', `${rulesPath()}/${rule.id}`, change);
  } catch (error) {
    if (error.status !== 401) setError($('rules-error'), `Could not change ${rule.name}: ${error.message}`);
  }
  await loadRules();
}

async function deleteRule(rule) {
  if (!confirm(`Delete the rule ${rule.name}?`)) return;
  try {
    await api('DELETE', `${rulesPath()}/${rule.id}`);
    if (editing === rule.id) editRule(null);
  } catch (error) {
    if (error.status !== 401) setError($('rules-error'), `Could not delete ${rule.name}: ${error.message}`);
  }
  await loadRules();
}
