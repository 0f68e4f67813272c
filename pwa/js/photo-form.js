// The visit form's photos block (visits/_photos.html): take or pick photos, shrink them on the
// phone, keep them with the form's draft until "Lưu" attaches them to the visit (photo-store.js).
// visit-form.js calls setUp, settled, attach, refresh and exportable; nothing else knows this block.
import {t} from './i18n.js';
import {photoList} from './photo-list.js';
import * as store from './photo-store.js';

// The server's limits (bootstrap `rules`); these only until the device has fetched one.
const FALLBACK = {max_photos_per_visit: 10, max_photo_bytes: 5 * 1024 * 1024, max_photo_caption: 500};

let block;
let ctx = null; // {userId, draftKey, visitId, limits, locked, serverPhotos}
let busy = Promise.resolve();

const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;

function say(kind, text) {
  const error = block.querySelector('#photo-error');
  const state = block.querySelector('#photo-state');
  if (kind === 'error') {
    error.textContent = text;
    error.hidden = !text;
  } else {
    state.textContent = text;
  }
}

async function shown() {
  const local = await store.forForm(ctx.userId, ctx.draftKey, ctx.visitId);
  const known = new Set(local.map((p) => p.id));
  // photos only the server has (added on another device), when the pulled visit lists them
  const server = (ctx.serverPhotos || []).filter((p) => !known.has(p.id))
    .map((p) => ({...p, state: p.complete === false ? 'partial' : 'server'}));
  return [...local, ...server];
}

export async function refresh() {
  if (!ctx) return;
  const photos = await shown();
  const list = photoList(photos, {onRemove: ctx.locked ? null : remove, onCaption: ctx.locked ? null : caption,
    maxCaption: ctx.limits.max_photo_caption});
  list.id = 'photo-list';
  block.querySelector('#photo-list').replaceWith(list);
  block.dataset.count = String(photos.length);
}

// A caption is kept as it is typed (on change); it goes with the photo's declaration.
// In the same queue as the photos being shrunk: "Lưu" waits for both (settled()).
function caption(photo, text) {
  busy = busy.then(async () => {
    await store.change(photo.id, (p) => ({...p, caption: text.slice(0, ctx.limits.max_photo_caption)}));
    await ctx.onChange();
  });
  return busy;
}

async function remove(photo) {
  await store.remove(photo.id);
  say('error', '');
  await ctx.onChange(); // the draft is kept at once: its photos are
  await refresh();
}

// Shrink and keep each chosen file, within the visit's limits; say clearly what was refused.
async function addFiles(files) {
  // loaded when a photo is chosen, not with every form (precached, so offline too)
  const [{takenAt}, {NotAnImage, resize}] = await Promise.all([import('./photo-exif.js'), import('./photo-resize.js')]);
  const problems = [];
  for (const file of files) {
    const photos = await shown();
    if (store.counted(photos) >= ctx.limits.max_photos_per_visit) {
      problems.push(t('photoTooMany', {max: ctx.limits.max_photos_per_visit}));
      break;
    }
    say('state', t('photoWorking'));
    try {
      const resized = await resize(file);
      if (resized.blob.size > ctx.limits.max_photo_bytes) {
        problems.push(t('photoTooBig', {name: file.name, size: mb(resized.blob.size), max: mb(ctx.limits.max_photo_bytes)}));
        continue;
      }
      await store.add(ctx.userId, ctx.draftKey, resized, await takenAt(file));
    } catch (error) {
      if (error instanceof NotAnImage) problems.push(t('photoNotImage', {name: file.name}));
      else problems.push(t('photoNotStored', {name: file.name}));
      console.warn('dicoso: photo', file.name, error);
    }
    await refresh();
  }
  say('state', '');
  say('error', problems.join(' '));
  await ctx.onChange();
  block.dataset.added = String(Number(block.dataset.added || 0) + 1);
}

function picked(event) {
  const files = [...event.target.files];
  event.target.value = '';
  if (!files.length) return;
  busy = busy.then(() => addFiles(files));
}

/* Show the block for this form. draftKey: the form's draft (drafts.js keyFor); visitId: the visit
 * being edited (its photos are shown too); serverPhotos: the pulled copy's `photos`, if any. */
export async function setUp(form, {userId, draftKey, visitId = null, rules = {}, locked = false,
  serverPhotos = [], onChange = () => {}}) {
  block = form.querySelector('#photos-block');
  if (!block || !userId) return;
  ctx = {userId, draftKey, visitId, locked, serverPhotos, onChange,
    limits: {...FALLBACK, ...Object.fromEntries(Object.entries(rules).filter(([k]) => k in FALLBACK))}};
  block.querySelector('#photo-hint').textContent =
    t('photoHint', {max: ctx.limits.max_photos_per_visit});
  for (const input of block.querySelectorAll('input[type=file]')) {
    input.disabled = locked;
    input.addEventListener('change', picked);
  }
  block.hidden = false;
  await refresh();
  block.dataset.ready = 'true';
}

// Photos still being shrunk when "Lưu" is pressed go with the visit.
export const settled = () => busy;

// "Lưu": the draft's photos belong to the saved visit now.
export async function attach(visitId) {
  if (!ctx) return;
  await store.attach(ctx.userId, ctx.draftKey, visitId);
}

// After a new visit is saved the form starts empty; a further visit gets its own photos.
export async function reset() {
  if (!ctx) return;
  ctx.visitId = null;
  ctx.serverPhotos = [];
  say('error', '');
  await refresh();
}

export async function discard() {
  if (ctx) await store.discardDraft(ctx.userId, ctx.draftKey);
}

// For the export offered when the outbox refused the write: this form's photos, for this visit.
export async function exportable(visitId) {
  return ctx ? store.exportable(ctx.userId, {draftKey: ctx.draftKey, visitId}) : [];
}
