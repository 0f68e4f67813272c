// The cadre's account of a month, written offline: saved to the outbox (kind "account") and sent
// with the next sync. The copy edited is the one waiting in the outbox, else the server's last
// (kept by sync.js from bootstrap and from acknowledged pushes), else the page's own values.
import {onDevice} from '../accounts.js';
import {t} from '../i18n.js';
import {isMonth, shown, thisMonth} from '../months.js';
import * as outbox from '../outbox.js';
import * as sync from '../sync.js';

const FIELDS = ['went_well', 'difficulties', 'proposals'];
const MAX = 5000;
let form;
let month;

function message(text, kind = 'success') {
  const p = document.getElementById('form-message');
  p.textContent = text;
  p.className = `flash flash-${kind}`;
  p.hidden = !text;
}

function fill(copy, baseVersion) {
  form.elements.namedItem('id').value = copy.id || '';
  form.elements.namedItem('base_version').value = baseVersion ?? '';
  for (const name of FIELDS) form.elements.namedItem(name).value = copy[name] ?? '';
}

async function load() {
  const {account, entry: waiting} = await onDevice(sync.userId, month);
  if (waiting) {
    fill(waiting.item, waiting.item.base_version);
    if (waiting.state === 'conflict') {
      // written elsewhere too: keep mine on top of the server's copy (its id and version)
      message(t('itemConflict', {version: waiting.server?.version ?? '?'}), 'warning');
      const keep = Object.assign(document.createElement('button'),
        {type: 'button', className: 'secondary small', textContent: t('keepMine')});
      keep.onclick = async () => { await outbox.resolve(waiting.id, true); await sync.changed(); sync.syncNow(); load(); };
      document.getElementById('form-message').append(' ', keep);
    } else if (waiting.state === 'invalid') {
      message(t('reasonInvalid', {errors: JSON.stringify(waiting.errors || {})}), 'error');
    } else {
      message(t('accountWaiting'), 'warning');
    }
    return;
  }
  if (account) fill(account, account.version);
}

// One cached page serves every month: the heading and the form's target say the month asked for,
// whatever month the cached copy was rendered for.
function titled() {
  const title = t('accountOf', {month: shown(month)});
  const heading = document.querySelector('h1');
  if (heading) heading.textContent = title;
  document.title = `${title} · dicoso`;
  form.dataset.month = month;
  form.action = `/hearings/account?month=${month}`;
}

async function submit(event) {
  event.preventDefault();
  const item = {month, client_updated_at: new Date().toISOString()};
  for (const name of FIELDS) item[name] = form.elements.namedItem(name).value.replace(/\r\n/g, '\n');
  const tooLong = FIELDS.filter((name) => item[name].length > MAX);
  form.querySelectorAll('[data-field]').forEach((box) => {
    const bad = tooLong.includes(box.dataset.field);
    box.classList.toggle('has-error', bad);
    const p = box.querySelector('.error');
    if (p) { p.textContent = bad ? t('tooLong', {max: MAX}) : ''; p.hidden = !bad; }
  });
  if (tooLong.length) { message(t('fixErrors'), 'error'); return; }
  const base = form.elements.namedItem('base_version').value;
  item.id = form.elements.namedItem('id').value || outbox.newId();
  item.base_version = base ? Number(base) : null;
  await outbox.saveItem('account', item, sync.userId);
  form.elements.namedItem('id').value = item.id;
  await sync.changed();
  message(t('accountSaved'));
  form.dataset.saved = String(Number(form.dataset.saved || 0) + 1);
  sync.requestBackgroundSync();
  sync.syncNow();
}

export async function init() {
  form = document.getElementById('account-form');
  if (!form || !sync.userId) return;
  const asked = new URLSearchParams(location.search).get('month');
  month = isMonth(asked) && asked <= thisMonth() ? asked : thisMonth();
  titled();
  await load();
  form.addEventListener('submit', submit);
  form.dataset.ready = 'true';
}
