// My visits: what waits on this device merged with the server's copies, each with its state.
import {el} from '../dom.js';
import {getAll, getMeta} from '../db.js';
import {STATE_LABEL} from '../device-visits.js';
import {dmy, t} from '../i18n.js';
import * as outbox from '../outbox.js';
import {photoList, stateText, summary} from '../photo-list.js';
import * as photoStore from '../photo-store.js';
import * as sync from '../sync.js';

function reason(entry) {
  if (entry.state === 'invalid') {
    const errors = Object.entries(entry.errors || {})
      .map(([name, list]) => `${t('field_' + name)}: ${[].concat(list).join(' ')}`).join('; ');
    return t('reasonInvalid', {errors});
  }
  if (entry.state === 'conflict') return t('reasonConflict', {version: entry.server?.version ?? '?'});
  if (entry.state === 'locked') return t('reasonLocked');
  return null;
}

// A visit's photos: the ones on this device, and the ones only the server lists (pulled copy).
function photosOf(visit, local) {
  const mine = local.get(visit.id) || [];
  const known = new Set(mine.map((p) => p.id));
  const server = (visit.photos || []).filter((p) => !known.has(p.id)).map((p) => ({...p, state: p.complete === false ? 'partial' : 'server'}));
  return [...mine, ...server];
}

function photoBlock(photos) {
  const box = el('div', {className: 'visit-photos'},
    el('span', {className: 'photo-summary', textContent: summary(photos)}), photoList(photos, {small: true}));
  for (const photo of photos.filter((p) => p.state === 'refused' || p.state === 'locked')) {
    box.append(el('span', {className: 'reason', textContent: stateText(photo)}));
  }
  return box;
}

let drawn = null;

async function render(list) {
  const data = await sync.bootstrapData();
  const units = new Map((data?.units || []).map((u) => [u.id, u.name]));
  (data?.placements || []).forEach((p) => units.set(p.unit_id, p.unit_name));
  const forms = new Map((data?.forms || []).map((f) => [f.code, f.label]));
  const entries = await outbox.visitEntries(sync.userId);
  // Until this device has pulled the server's visits once, the server's list stays: an empty or
  // partial list drawn over it would say "no visits" and then jump when the pull lands.
  if (!entries.length && (await getMeta(`cursor:${sync.userId}`)) == null && list.children.length) return;
  const pending = new Map(entries.map((e) => [e.id, e]));
  const pulled = (await getAll('visits')).filter((v) => v.user_id === sync.userId);
  const server = pulled.filter((v) => !pending.has(v.id));
  const local = new Map();
  for (const photo of await photoStore.forUser(sync.userId)) {
    if (!photo.visit_id || photo.state === 'deleting') continue;
    if (!local.has(photo.visit_id)) local.set(photo.visit_id, []);
    local.get(photo.visit_id).push(photo);
  }
  const copies = new Map(pulled.map((v) => [v.id, v]));
  const rows = [
    ...entries.map((e) => ({visit: e.visit, state: e.state, entry: e})),
    ...server.map((v) => ({visit: v, state: v.status, entry: null})),
  ];
  // ISO dates sort as plain strings (localeCompare is many times slower on a phone's 500 entries).
  const day = (row) => row.visit.start_date || '';
  rows.sort((a, b) => (day(a) < day(b) ? 1 : day(a) > day(b) ? -1 : 0));
  if (!rows.length && !list.children.length) return;
  // Drawn again only when something shown changed: a sync every minute must not rebuild 500 rows.
  const shown = JSON.stringify([[...units.values(), ...forms.values()], rows.map(({visit, state, entry}) =>
    [visit.id, state, entry ? [entry.rev, entry.errors, entry.server?.version] : visit.version,
      photosOf(copies.get(visit.id) || visit, local).map((photo) =>
        [photo.id, photo.state, photo.offset, photo.error, photo.caption, Boolean(photo.thumbnail)])])]);
  if (shown === drawn) return;
  drawn = shown;
  list.replaceChildren(...(rows.length ? rows.map(({visit, state, entry}) => {
    const dates = visit.end_date && visit.end_date !== visit.start_date
      ? `${dmy(visit.start_date)} – ${dmy(visit.end_date)}` : dmy(visit.start_date);
    const item = el('li', {}, el('span', {textContent: dates}),
      el('strong', {textContent: units.get(visit.unit_id) || t('unknownUnit', {id: visit.unit_id})}),
      el('span', {textContent: forms.get(visit.form) || visit.form}),
      el('span', {className: `badge badge-${state === 'waiting' ? 'waiting' : state}`, textContent: t(STATE_LABEL[state] || state)}));
    item.dataset.id = visit.id;
    item.dataset.state = state;
    const why = entry ? reason(entry) : null;
    if (why) item.append(el('span', {className: 'reason', textContent: why}));
    const photos = photosOf(copies.get(visit.id) || visit, local);
    if (photos.length) {
      item.append(photoBlock(photos));
      item.dataset.photos = String(photos.length);
    }
    if (!entry && state === 'returned' && visit.review_comment) {
      item.append(el('span', {className: 'reason', textContent: t('comment', {text: visit.review_comment})}));
    }
    if (state === 'returned' || state === 'invalid' || state === 'waiting') {
      item.append(el('a', {href: `/visits/new?edit=${visit.id}`, textContent: state === 'invalid' ? t('fix') : t('edit')}));
    }
    if (state === 'conflict') {
      const keep = el('button', {type: 'button', className: 'secondary small', textContent: t('keepMine')});
      keep.onclick = async () => { await outbox.resolve(visit.id, true); await sync.changed(); sync.syncNow(); };
      const drop = el('button', {type: 'button', className: 'secondary small', textContent: t('discardMine')});
      drop.onclick = async () => { await outbox.resolve(visit.id, false); await sync.changed(); };
      item.append(keep, drop);
    }
    return item;
  }) : [el('li', {textContent: t('noVisits')})]));
  list.dataset.ready = 'true';
}

export async function init() {
  const list = document.getElementById('visit-list');
  if (!list || !sync.userId) return;
  let pendingRender = Promise.resolve();
  // Re-render whenever the outbox or the pulled copies change (this tab or another).
  sync.onStatus(() => { pendingRender = pendingRender.then(() => render(list)); });
  await pendingRender;
}
