// The visit form: saves to the outbox first, then syncs. This module wires the pieces together:
// form-values.js (read, fill), form-rules.js (check), drafts.js, location.js, outbox.js.
import {get} from '../db.js';
import * as directions from '../directions.js';
import * as drafting from '../drafts.js';
import {fillForm, readForm} from '../form-values.js';
import {dateDoubts, localToday, rulesFrom, validate} from '../form-rules.js';
import {t} from '../i18n.js';
import * as where from '../location.js';
import * as multiChoice from '../multi-choice.js';
import * as outbox from '../outbox.js';
import * as photos from '../photo-form.js';
import * as sync from '../sync.js';

let form;
let draft;
let rules;
let boot;
let choices = {refresh() {}, openInvalid() {}};
let savedStart = null; // the edited visit's start: an unchanged date is not asked about again


const field = (name) => form.elements.namedItem(name);

function showErrors(errors) {
  form.querySelectorAll('[data-field]').forEach((box) => {
    const message = errors[box.dataset.field];
    const text = Array.isArray(message) ? message.join(' ') : message;
    box.classList.toggle('has-error', Boolean(text));
    const p = box.querySelector('.error');
    if (p) { p.textContent = text || ''; p.hidden = !text; }
    const input = box.querySelector('input, select, textarea');
    if (input) {
      if (text) { input.setAttribute('aria-invalid', 'true'); input.setAttribute('aria-describedby', p.id); }
      else input.removeAttribute('aria-invalid');
    }
  });
  choices.openInvalid();
  form.querySelector('.has-error input, .has-error select, .has-error textarea')?.focus();
}

function message(text, kind = 'success', action = null) {
  const p = document.getElementById('form-message');
  p.textContent = text;
  if (action) p.append(' ', action);
  p.className = `flash flash-${kind}`;
  p.hidden = !text;
}

// Offline the choices come from the bootstrap data kept on the device (fresher than a cached page).
function applyBootstrap(data) {
  if (!data) return;
  const unit = field('unit_id');
  if (unit && data.units?.length) {
    const chosen = unit.value;
    unit.replaceChildren(new Option(t('chooseUnit'), ''), ...data.units.map((u) => new Option(u.name, String(u.id))));
    unit.value = chosen;
  }
  const placement = field('placement_id');
  if (placement && data.placements) {
    const chosen = placement.value;
    placement.replaceChildren(new Option(t('noPlacement'), ''),
      ...data.placements.map((p) => new Option(p.unit_name, String(p.id))));
    placement.value = chosen;
  }
  const box = form.querySelector('[data-field="topics"] .choices');
  if (box && data.topics?.length) {
    const chosen = new Set([...form.querySelectorAll('input[name="topics"]:checked')].map((b) => b.value));
    box.replaceChildren(...data.topics.map((topic, i) => {
      const label = document.createElement('label');
      label.className = 'choice';
      const input = Object.assign(document.createElement('input'),
        {type: 'checkbox', name: 'topics', value: String(topic.id), id: `topics-${i}`, checked: chosen.has(String(topic.id))});
      label.append(input, ` ${topic.name}`);
      return label;
    }));
  }
}

// The cadre's open directions (from the device's copy) as choices; a visit being edited keeps
// offering the ones it already carries, even if they were closed since.
async function showDirections(carried = []) {
  const block = document.getElementById('directions-block');
  const box = block?.querySelector('.choices');
  if (!box) return;
  const known = await directions.all();
  if (!known.length) return; // not synced yet: the choices the server rendered stay
  const chosen = new Set([...form.querySelectorAll('input[name="directions"]:checked')].map((b) => b.value)
    .concat(carried.map(String)));
  const shown = known.filter((d) => (d.state === 'open' && !d.pending) || chosen.has(String(d.id)));
  if (!shown.length && !box.children.length) return;
  box.replaceChildren(...shown.map((direction, i) => {
    const label = document.createElement('label');
    label.className = 'choice';
    const input = Object.assign(document.createElement('input'), {type: 'checkbox', name: 'directions',
      value: String(direction.id), id: `directions-${i}`, checked: chosen.has(String(direction.id))});
    label.append(input, ` ${direction.text}`);
    return label;
  }));
  block.hidden = !shown.length;
}

// The chosen placement's tasks as choices (from the device's copy of the bootstrap); `carried`
// are tasks a visit already has (kept when edited, even if the admin reworded the list since).
function showPlacementTasks(placementId, carried = []) {
  const block = document.getElementById('placement-tasks-block');
  const box = block?.querySelector('.choices');
  if (!box || !boot?.placements) return; // never synced: the choices the server rendered stay
  const placement = boot.placements.find((p) => String(p.id) === String(placementId ?? ''));
  const chosen = new Set([...form.querySelectorAll('input[name="placement_tasks"]:checked')].map((b) => b.value)
    .concat(carried || []));
  const tasks = placement ? [...new Set([...placement.tasks, ...(carried || [])])] : [];
  box.replaceChildren(...tasks.map((task, i) => {
    const label = document.createElement('label');
    label.className = 'choice';
    const input = Object.assign(document.createElement('input'), {type: 'checkbox', name: 'placement_tasks',
      value: task, id: `placement_tasks-${i}`, checked: chosen.has(task)});
    label.append(input, ` ${task}`);
    return label;
  }));
  block.hidden = !tasks.length;
}

// A new visit is usually recorded the day it happens: both dates start at today (the device's
// today, not the day the worker cached the page).
function datesToday() {
  field('start_date').value = localToday();
  field('end_date').value = localToday();
  field('end_date').dataset.follows = 'true';
}

// "Đến ngày" follows "Từ ngày" until the cadre picks another end (data-follows on the end box);
// a visit or draft whose end differs from its start does not follow.
function endFollowsStart() {
  const start = field('start_date');
  const end = field('end_date');
  const follows = () => String(!end.value || end.value === start.value);
  end.dataset.follows = follows();
  const follow = () => { if (end.dataset.follows === 'true') end.value = start.value; };
  const decide = () => { end.dataset.follows = follows(); };
  ['input', 'change'].forEach((type) => {
    start.addEventListener(type, follow);
    end.addEventListener(type, decide);
  });
}

// Long ago, or in a year no plan covers: ask once for this date before saving it.
function doubtful(values) {
  const start = values.start_date;
  if (start === savedStart || form.dataset.confirmedStart === start) return false;
  const doubts = dateDoubts(start, rules);
  if (!doubts.length) return false;
  const button = Object.assign(document.createElement('button'),
    {type: 'button', className: 'secondary small', id: 'confirm-date', textContent: t('confirmDate')});
  button.addEventListener('click', () => {
    form.dataset.confirmedStart = start;
    form.requestSubmit();
  });
  message(`${t('checkDate')} ${doubts.join(' ')}`, 'warning', button);
  field('start_date').focus();
  return true;
}

function fill(values) {
  if (values.placement_id !== undefined) showPlacementTasks(values.placement_id, values.placement_tasks);
  fillForm(form, values);
  where.refresh(form);
  choices.refresh();
}

// Editing: the device's waiting copy wins over the server's copy it was made from.
// The page says what it is for, whatever copy of the page the worker served: editing a visit, or
// fixing one the supervisor returned (their comment first, the button says it sends it again).
function titled(serverCopy) {
  const returned = serverCopy?.status === 'returned';
  const title = t(returned ? 'fixAndResend' : 'editVisit');
  document.getElementById('form-title').textContent = title;
  document.title = `${title} · dicoso`;
  let banner = document.getElementById('returned-comment');
  if (returned && !banner) {
    banner = Object.assign(document.createElement('p'), {id: 'returned-comment', className: 'flash flash-warning'});
    document.getElementById('form-message').before(banner);
  }
  if (banner) {
    banner.hidden = !returned;
    if (returned) banner.textContent = t('returnedBy', {text: serverCopy.review_comment || ''});
  }
  form.querySelector('button[type=submit]').textContent = t(returned ? 'saveAndResend' : 'save');
}

async function loadForEdit(id) {
  const entry = await get('outbox', id);
  const serverCopy = await get('visits', id);
  const copy = entry ? entry.visit : serverCopy;
  if (!copy) return;
  savedStart = copy.start_date;
  titled(serverCopy);
  await showDirections(copy.directions || []);
  fill(copy);
  if (!entry && copy.status === 'approved') {
    // Approved visits are locked on the server: say so now rather than after a refused push.
    message(t('reasonLocked'), 'warning');
    form.querySelector('button[type=submit]').disabled = true;
    form.dataset.locked = 'true';
  }
  field('id').value = id;
  const base = entry ? entry.visit.base_version : copy.version;
  field('base_version').value = base ?? '';
}

let asked = false;
async function askPersistence() {
  if (asked || !navigator.storage?.persist) return;
  asked = true;
  try { if (!(await navigator.storage.persisted())) await navigator.storage.persist(); } catch (e) { /* best effort */ }
}

// The visit as the API takes it: the form's values, an empty count as zero (the server's default).
function toVisit(values) {
  const base = field('base_version').value;
  const visit = {id: field('id').value || outbox.newId(), base_version: base ? Number(base) : null, ...values};
  for (const element of form.elements) {
    if (element.type === 'number' && element.name in visit) {
      visit[element.name] = visit[element.name] === '' ? 0 : Number(visit[element.name]);
    }
  }
  // tasks are texts, even one that reads like a number
  if (Array.isArray(visit.placement_tasks)) visit.placement_tasks = visit.placement_tasks.map(String);
  return {...visit, client_updated_at: new Date().toISOString()};
}

// The browser refused the write (storage full, private mode): say so, keep the form as it is, and
// offer the export file with this visit in it, so nothing typed is lost.
async function refused(visit, error) {
  console.warn('dicoso: the outbox write was refused', error);
  let data;
  try {
    data = await outbox.exportFile(sync.userId);
  } catch (readError) {
    data = {format: 'dicoso-outbox', version: 1, exported_at: new Date().toISOString(), entries: []};
  }
  data.entries = [...data.entries.filter((e) => e.id !== visit.id),
    {id: visit.id, user_id: sync.userId, visit, state: 'waiting', errors: null, server: null,
      saved_at: visit.client_updated_at}];
  data.photos = await photos.exportable(visit.id).catch(() => []);
  data.version = 2;
  const button = Object.assign(document.createElement('button'),
    {type: 'button', className: 'secondary small', id: 'export-unsaved', textContent: t('exportUnsaved')});
  // loaded only on this rare path (precached, so offline too)
  button.addEventListener('click', async () => (await import('../export-file.js')).download(data));
  message(t('saveRefused'), 'error', button);
  form.dataset.refused = String(Number(form.dataset.refused || 0) + 1);
}

async function submit(event) {
  event.preventDefault();
  const values = readForm(form);
  const errors = validate(values, rules);
  showErrors(errors);
  if (Object.keys(errors).length) { message(t('fixErrors'), 'error'); return; }
  if (doubtful(values)) return;
  const editing = Boolean(field('id').value);
  const visit = toVisit(values);
  await photos.settled();
  try {
    await outbox.save(visit, sync.userId);
    await photos.attach(visit.id);
  } catch (error) {
    await refused(visit, error);
    return;
  }
  await draft.discard();
  await sync.changed();
  form.dataset.saved = String(Number(form.dataset.saved || 0) + 1);
  askPersistence();
  sync.requestBackgroundSync();
  if (editing) {
    location.href = '/visits/';
    return;
  }
  form.reset();
  datesToday();
  delete form.dataset.confirmedStart;
  field('id').value = '';
  field('base_version').value = '';
  showPlacementTasks(field('placement_id')?.value);
  where.show(form, null); // hidden inputs keep their value through reset()
  await photos.reset();
  choices.refresh();
  message(t('savedWaiting'));
  field('unit_id').focus();
  const outcome = await sync.syncNow();
  if (outcome === 'ok' && !(await get('outbox', visit.id))) message(t('savedSent'));
}

export async function init({onBeforeUpdate}) {
  form = document.getElementById('visit-form');
  if (!form || !sync.userId) return;
  const params = new URLSearchParams(location.search);
  const editId = params.get('edit');
  const data = await sync.bootstrapData();
  boot = data;
  rules = rulesFrom(data);
  draft = drafting.drafts({
    key: drafting.keyFor(params),
    userId: sync.userId,
    read: () => ({fields: readForm(form), id: field('id').value, base_version: field('base_version').value}),
    fill: (saved) => {
      fill(saved.fields);
      if (saved.id) field('id').value = saved.id;
      if (saved.base_version) field('base_version').value = saved.base_version;
    },
    onDiscard: () => photos.discard(),
  });
  applyBootstrap(data);
  choices = multiChoice.setUp(form);
  await showDirections();
  showPlacementTasks(field('placement_id')?.value);
  field('placement_id')?.addEventListener('change', () => showPlacementTasks(field('placement_id').value));
  where.setUp(form, draft.schedule);
  if (editId) {
    await loadForEdit(editId);
  } else if (params.get('placement') && params.get('date')) {
    const placement = data?.placements.find((p) => String(p.id) === params.get('placement'));
    fill({placement_id: params.get('placement'), unit_id: placement?.unit_id,
      start_date: params.get('date'), end_date: params.get('date')});
  } else if (!field('id').value) {
    // A page cached while editing must not carry that visit into a new one.
    form.reset();
    datesToday();
    showPlacementTasks(field('placement_id')?.value);
    choices.refresh();
  }
  await draft.restore();
  endFollowsStart();
  await photos.setUp(form, {userId: sync.userId, draftKey: drafting.keyFor(params), visitId: editId, rules,
    locked: form.dataset.locked === 'true', onChange: draft.save,
    serverPhotos: (editId && (await get('visits', editId))?.photos) || []});
  form.addEventListener('input', draft.schedule);
  form.addEventListener('change', draft.schedule);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') draft.save();
  });
  addEventListener('pagehide', draft.save);
  onBeforeUpdate(draft.save);
  form.addEventListener('submit', submit);
  form.dataset.ready = 'true';
}
