// The visit form: saves to the outbox first, then syncs; drafts as the cadre types.
import {del, get, put} from '../db.js';
import {t} from '../i18n.js';
import * as outbox from '../outbox.js';
import * as sync from '../sync.js';

const MAX_TEXT = 5000; // as the server's VisitIn
const MAX_PARTICIPANTS = 100000;
const MAX_TRIP_DAYS = 31;
const TEXTS = ['summary', 'findings', 'recommendations'];

let form;
let draftKey;
let draftTimer;

const field = (name) => form.elements.namedItem(name);
const localToday = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

function readForm() {
  const data = new FormData(form);
  const int = (v) => (v === null || v === '' ? null : Number(v));
  return {
    unit_id: int(data.get('unit_id')),
    placement_id: int(data.get('placement_id')),
    start_date: data.get('start_date') || '',
    end_date: data.get('end_date') || '',
    form: data.get('form') || '',
    topics: data.getAll('topics').map(Number),
    summary: data.get('summary') || '',
    findings: data.get('findings') || '',
    recommendations: data.get('recommendations') || '',
    participants: data.get('participants') ?? '',
    location: data.get('location') ? JSON.parse(data.get('location')) : null,
  };
}

function fillForm(values) {
  for (const [name, value] of Object.entries(values)) {
    const element = field(name);
    if (!element || value === undefined) continue;
    if (name === 'location') {
      showLocation(value);
    } else if (name === 'topics') {
      form.querySelectorAll('input[name="topics"]').forEach((box) => {
        box.checked = (value || []).map(String).includes(box.value);
      });
    } else if (element instanceof RadioNodeList) {
      element.value = value ?? '';
    } else {
      element.value = value ?? '';
    }
  }
}

function showLocation(location) {
  field('location').value = location ? JSON.stringify(location) : '';
  document.getElementById('location-state').textContent = location
    ? t('locationSet', {m: Math.round(location.accuracy_m ?? 0)}) : '';
}

// Where the cadre is, when the device can tell (GPS works without a network).
function setUpLocation() {
  if (!navigator.geolocation) return;
  document.getElementById('location-field').hidden = false;
  document.getElementById('locate').addEventListener('click', () => {
    document.getElementById('location-state').textContent = t('locating');
    navigator.geolocation.getCurrentPosition((position) => {
      const {latitude, longitude, accuracy} = position.coords;
      showLocation({lat: latitude, lon: longitude, accuracy_m: Math.round(accuracy)});
      scheduleDraft();
    }, () => {
      document.getElementById('location-state').textContent = t('locationFailed');
    }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
  });
}

// The server's rules (server/sync/schemas.py VisitIn), checked here too, in the page's language.
export function validate(v) {
  const errors = {};
  if (!v.unit_id) errors.unit_id = t('required');
  if (!v.start_date) errors.start_date = t('required');
  if (!v.end_date) errors.end_date = t('required');
  if (!v.form) errors.form = t('required');
  const today = localToday();
  if (v.start_date && v.start_date > today) errors.start_date = t('inFuture');
  if (v.start_date && v.end_date) {
    if (v.end_date < v.start_date) errors.end_date = t('endBeforeStart');
    else if (v.end_date > today) errors.end_date = t('inFuture');
    else if ((Date.parse(v.end_date) - Date.parse(v.start_date)) / 86400000 + 1 > MAX_TRIP_DAYS) {
      errors.end_date = t('tripTooLong', {n: MAX_TRIP_DAYS});
    }
  }
  for (const name of TEXTS) if (v[name].length > MAX_TEXT) errors[name] = t('tooLong', {max: MAX_TEXT});
  const p = String(v.participants).trim();
  if (p !== '' && !/^\d+$/.test(p)) errors.participants = t('notInteger');
  else if (Number(p) > MAX_PARTICIPANTS) errors.participants = t('tooMany');
  return errors;
}

function showErrors(errors) {
  form.querySelectorAll('[data-field]').forEach((box) => {
    const name = box.dataset.field;
    const message = errors[name];
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
  const first = form.querySelector('.has-error input, .has-error select, .has-error textarea');
  first?.focus();
}

function message(text, kind = 'success') {
  const p = document.getElementById('form-message');
  p.textContent = text;
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

async function saveDraft() {
  clearTimeout(draftTimer);
  if (!form || !sync.userId) return;
  await put('drafts', {key: draftKey, user_id: sync.userId, fields: readForm(),
    id: field('id').value, base_version: field('base_version').value, saved_at: new Date().toISOString()});
}

const scheduleDraft = () => { clearTimeout(draftTimer); draftTimer = setTimeout(saveDraft, 300); };

async function restoreDraft() {
  const draft = await get('drafts', draftKey);
  if (!draft || draft.user_id !== sync.userId) return;
  fillForm(draft.fields);
  if (draft.id) field('id').value = draft.id;
  if (draft.base_version) field('base_version').value = draft.base_version;
  const box = document.getElementById('draft-message');
  box.querySelector('span').textContent = t('draftRestored');
  const button = document.getElementById('discard-draft');
  button.textContent = t('discardDraft');
  button.onclick = async () => {
    await del('drafts', draftKey);
    location.href = location.pathname + location.search;
  };
  box.hidden = false;
}

// Editing: the device's waiting copy wins over the server's copy it was made from.
async function loadForEdit(id) {
  const entry = await get('outbox', id);
  const copy = entry ? entry.visit : await get('visits', id);
  if (!copy) return;
  fillForm(copy);
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

async function submit(event) {
  event.preventDefault();
  const values = readForm();
  const errors = validate(values);
  showErrors(errors);
  if (Object.keys(errors).length) { message(t('fixErrors'), 'error'); return; }
  const editing = Boolean(field('id').value);
  const base = field('base_version').value;
  const visit = {
    id: field('id').value || outbox.newId(),
    base_version: base ? Number(base) : null,
    ...values,
    participants: values.participants === '' ? 0 : Number(values.participants),
    client_updated_at: new Date().toISOString(),
  };
  await outbox.save(visit, sync.userId);
  clearTimeout(draftTimer);
  await del('drafts', draftKey);
  await sync.changed();
  form.dataset.saved = String(Number(form.dataset.saved || 0) + 1);
  askPersistence();
  sync.requestBackgroundSync();
  if (editing) {
    location.href = '/visits/';
    return;
  }
  form.reset();
  field('id').value = '';
  field('base_version').value = '';
  showLocation(null); // hidden inputs keep their value through reset()
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
  draftKey = editId ? `edit:${editId}` : (params.get('placement') ? `placement:${params.get('placement')}:${params.get('date')}` : 'new');
  applyBootstrap(await sync.bootstrapData());
  setUpLocation();
  if (editId) {
    await loadForEdit(editId);
  } else if (params.get('placement') && params.get('date')) {
    const data = await sync.bootstrapData();
    const placement = data?.placements.find((p) => String(p.id) === params.get('placement'));
    fillForm({placement_id: params.get('placement'), unit_id: placement?.unit_id,
      start_date: params.get('date'), end_date: params.get('date')});
  } else if (!field('id').value) {
    // A page cached while editing must not carry that visit into a new one.
    form.reset();
  }
  await restoreDraft();
  form.addEventListener('input', scheduleDraft);
  form.addEventListener('change', scheduleDraft);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') saveDraft();
  });
  addEventListener('pagehide', saveDraft);
  onBeforeUpdate(saveDraft);
  form.addEventListener('submit', submit);
  form.dataset.ready = 'true';
}
