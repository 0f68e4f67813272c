// The photos kept on this device (IndexedDB store `photos`), one record per photo:
//   {id, user_id, visit_id, draft_key, state, blob, size, sha256, content_type, taken_at, caption,
//    width, height, thumbnail, added_at, declared, offset, error}
// state: 'draft'    added to a form not saved yet (draft_key says which form; visit_id null)
//        'waiting'  saved with its visit; uploaded once the server has the visit (photo-upload-rule.js)
//        'done'     the server has every byte: the JPEG is dropped, the small thumbnail stays
//        'refused'  the server refused it (not an image, checksum …); `error` has its message
//        'locked'   the visit is approved: the server takes no more photos for it
//        'deleting' removed by the cadre after the server heard of it: a DELETE is owed
import {getAll, promised, tx} from './db.js';
import {newId} from './outbox.js';

const STORE = 'photos';
// Still owed to the server (counted as "waiting to be sent").
export const OWED = ['waiting'];
// Count towards the visit's limit (the server counts complete-or-pending photos).
const COUNTED = ['draft', 'waiting', 'done', 'locked'];

export async function sha256Hex(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function forUser(userId) {
  return (await getAll(STORE)).filter((p) => p.user_id === userId)
    .sort((a, b) => a.added_at.localeCompare(b.added_at));
}

// The photos a form shows: the ones added to this form's draft and the ones of its visit.
export async function forForm(userId, draftKey, visitId) {
  return (await forUser(userId)).filter((p) => p.state !== 'deleting'
    && ((p.state === 'draft' && p.draft_key === draftKey) || (visitId && p.visit_id === visitId)));
}

export const counted = (photos) => photos.filter((p) => COUNTED.includes(p.state)).length;

// Keep a resized photo ({blob, width, height, thumbnail}) for a form's draft.
export async function add(userId, draftKey, resized, takenAt) {
  const record = {
    id: newId(), user_id: userId, visit_id: null, draft_key: draftKey,
    state: 'draft', blob: resized.blob, size: resized.blob.size, sha256: await sha256Hex(resized.blob),
    content_type: 'image/jpeg', taken_at: takenAt, caption: '', width: resized.width,
    height: resized.height, thumbnail: resized.thumbnail, added_at: new Date().toISOString(),
    declared: false, offset: 0, error: null,
  };
  await tx(STORE, 'readwrite', (s) => promised(s[STORE].put(record)));
  return record;
}

// "Lưu": the form's draft photos now belong to the saved visit and wait to be sent.
export function attach(userId, draftKey, visitId) {
  return tx(STORE, 'readwrite', async (s) => {
    const all = await promised(s[STORE].getAll());
    for (const photo of all) {
      if (photo.user_id === userId && photo.state === 'draft' && photo.draft_key === draftKey) {
        s[STORE].put({...photo, state: 'waiting', visit_id: visitId, draft_key: null});
      }
    }
  });
}

// Change one record in its own transaction (fn gets the current record, returns the new one).
export function change(id, fn) {
  return tx(STORE, 'readwrite', async (s) => {
    const photo = await promised(s[STORE].get(id));
    if (!photo) return null;
    const next = fn(photo);
    if (next) s[STORE].put(next);
    else s[STORE].delete(id);
    return next;
  });
}

// The cadre removes a photo: gone at once if the server never heard of it, else a DELETE is owed.
export function remove(id) {
  return change(id, (photo) => (photo.declared
    ? {...photo, state: 'deleting', blob: null, error: null} : null));
}

export function discardDraft(userId, draftKey) {
  return tx(STORE, 'readwrite', async (s) => {
    for (const photo of await promised(s[STORE].getAll())) {
      if (photo.user_id === userId && photo.state === 'draft' && photo.draft_key === draftKey) {
        s[STORE].delete(photo.id);
      }
    }
  });
}

// Counted in the index, without reading the photos (the status bar asks after every change).
const countIn = (userId, states) => tx(STORE, 'readonly', async (s) => {
  const counts = await Promise.all(states.map((state) =>
    promised(s[STORE].index('user_state').count(IDBKeyRange.only([userId, state])))));
  return counts.reduce((a, b) => a + b, 0);
});
export const owedCount = (userId) => countIn(userId, OWED);
// Whether the upload has anything to do: a photo to send, or a DELETE owed (photo-upload-rule.js).
export const uploadDue = async (userId) => (await countIn(userId, ['waiting', 'deleting'])) > 0;

// What the photos take on this device: all of them, and those still owed to the server.
export async function usage(userId) {
  const photos = await forUser(userId);
  const bytes = (list) => list.reduce((sum, p) => sum + (p.blob?.size || 0) + (p.thumbnail?.length || 0), 0);
  const owed = photos.filter((p) => OWED.includes(p.state));
  return {count: photos.length, bytes: bytes(photos), owed: owed.length, owedBytes: bytes(owed)};
}

function base64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1]);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

function unbase64(text, type) {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
  return new Blob([bytes], {type});
}

const EXPORTED = ['draft', 'waiting', 'refused', 'locked'];

// The export file's photos: every one this device still holds the JPEG of, with its metadata.
// `draftKey`/`visitId`: the form being saved when the outbox refused the write (its drafts go too).
export async function exportable(userId, {draftKey = null, visitId = null} = {}) {
  const list = (await forUser(userId)).filter((p) => p.blob && EXPORTED.includes(p.state)
    && (p.state !== 'draft' || (draftKey && p.draft_key === draftKey)));
  return Promise.all(list.map(async ({blob, user_id: ignored, thumbnail, ...meta}) => ({
    ...meta,
    visit_id: meta.visit_id || visitId,
    state: 'waiting', draft_key: null, declared: false, offset: 0, error: null,
    thumbnail, data: await base64(blob),
  })));
}

// Exported photos as records to keep (throws 'format' on anything malformed, before any write).
export function parseExported(list, userId) {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new Error('format');
  return list.map((p) => {
    if (typeof p?.id !== 'string' || typeof p.visit_id !== 'string' || typeof p.data !== 'string') {
      throw new Error('format');
    }
    const {data, ...meta} = p;
    const blob = unbase64(data, meta.content_type || 'image/jpeg');
    return {...meta, user_id: userId, state: 'waiting', draft_key: null, blob, size: blob.size,
      declared: false, offset: 0, error: null, added_at: meta.added_at || new Date().toISOString()};
  });
}

// Keep parsed photos (a photo already here is left alone): {added, skipped}.
export function keepImported(records) {
  return tx(STORE, 'readwrite', async (s) => {
    let added = 0;
    let skipped = 0;
    for (const record of records) {
      if (await promised(s[STORE].get(record.id))) { skipped += 1; continue; }
      s[STORE].put(record);
      added += 1;
    }
    return {added, skipped};
  });
}
