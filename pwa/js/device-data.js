// What this device holds for whom, and taking a person's data off it (sign-out, a new person).
//
// One person at a time: the device keeps the data of the person signed in. Unsent work (outbox
// entries and drafts) is the exception: nobody's is ever removed without that person choosing
// to (sending it or taking the export file). Everything else is a copy of the server's and is
// fetched again at the next sign-in.
//
// Per-person `meta` rows are named `<name>:<user id>[:…]` (bootstrap, cursors, directions,
// accounts, last sync …); the device's own rows have no user id: `device`, `token`
// ({token, user_id}), `revoke` (tokens still to revoke), `sign_out_pending`.
import {getAll, getMeta, promised, tx} from './db.js';
import * as api from './api.js';

const ownerOf = (key) => {
  const match = /^[a-z_]+:(\d+)(?::|$)/.exec(key);
  return match ? Number(match[1]) : null;
};

// This person's unsent work: outbox entries in any state (waiting, invalid, conflict, locked)
// and drafts of half-filled forms.
// Photos the server does not have every byte of (a JPEG still on the device) are unsent work too.
const unsentPhoto = (photo, userId) => photo.user_id === userId && Boolean(photo.blob);

export async function waitingFor(userId) {
  const [entries, drafts, photos] = await Promise.all([getAll('outbox'), getAll('drafts'), getAll('photos')]);
  return {entries: entries.filter((e) => e.user_id === userId), drafts: drafts.filter((d) => d.user_id === userId),
    photos: photos.filter((p) => unsentPhoto(p, userId))};
}

export const countOf = ({entries, drafts, photos = []}) => entries.length + drafts.length + photos.length;

export function countsOf({entries, drafts, photos = []}) {
  return {
    visits: entries.filter((e) => !e.kind).length,
    accounts: entries.filter((e) => e.kind === 'account').length,
    dones: entries.filter((e) => e.kind === 'direction_done').length,
    drafts: drafts.length,
    photos: photos.length,
    refused: entries.filter((e) => e.state !== 'waiting').length, // a push will not take these
    total: entries.length + drafts.length + photos.length,
  };
}

// Each entry at its revision, each draft at its save time: what the person saw when they chose.
export const fingerprint = ({entries, drafts, photos = []}) =>
  new Set([...entries.map((e) => `e:${e.id}:${e.rev}`), ...drafts.map((d) => `d:${d.key}:${d.saved_at}`),
    ...photos.map((p) => `p:${p.id}`)]);

// Nothing waiting now that the person did not see (acknowledged meanwhile is fine: it is sent).
export const within = (waiting, seen) => [...fingerprint(waiting)].every((item) => seen.has(item));

function queueRevocation(meta, list, secret) {
  if (secret && !list.includes(secret)) list.push(secret);
  meta.put({key: 'revoke', value: list});
}

/* Remove `userId`'s data: their outbox entries and drafts that are in `seen` (the ones they sent
 * or exported; anything saved after that stays and is reported), every synced copy on the device
 * (pulled visits, per-person meta, the token). With `later` (a sign-out without network) their
 * token goes to the `revoke` list and `sign_out_pending` asks the next page online to end the
 * web session. One transaction: it all happens or nothing does. Resolves with how many of their
 * entries were kept. */
export function removeUser(userId, seen, later = false) {
  return tx(['outbox', 'drafts', 'visits', 'meta', 'photos'], 'readwrite', async ({outbox, drafts, visits, meta, photos}) => {
    const waiting = {
      entries: (await promised(outbox.getAll())).filter((e) => e.user_id === userId),
      drafts: (await promised(drafts.getAll())).filter((d) => d.user_id === userId),
    };
    let kept = 0;
    for (const entry of waiting.entries) {
      if (seen.has(`e:${entry.id}:${entry.rev}`)) outbox.delete(entry.id); else kept += 1;
    }
    for (const draft of waiting.drafts) {
      if (seen.has(`d:${draft.key}:${draft.saved_at}`)) drafts.delete(draft.key); else kept += 1;
    }
    // Their photos: the sent ones (thumbnails only) go; an unsent one only if it was sent or exported.
    for (const photo of await promised(photos.getAll())) {
      if (photo.user_id !== userId) continue;
      if (!photo.blob || seen.has(`p:${photo.id}`)) photos.delete(photo.id); else kept += 1;
    }
    visits.clear();
    const rows = await promised(meta.getAll());
    for (const row of rows) if (ownerOf(row.key) !== null) meta.delete(row.key);
    const token = rows.find((row) => row.key === 'token')?.value;
    const revoke = rows.find((row) => row.key === 'revoke')?.value || [];
    if (token) {
      meta.delete('token');
      // theirs, with no network to revoke it now; or someone else's left behind
      if (later || token.user_id !== userId) queueRevocation(meta, revoke, token.token);
    }
    if (later) meta.put({key: 'sign_out_pending', value: {user_id: userId}});
    return kept;
  });
}

/* `userId` is signed in where someone else left without signing out (their session ended):
 * that person's token goes to the `revoke` list and their synced copies leave; their unsent
 * work stays, to be sent when they sign in here again. */
export function handOver(userId) {
  return tx(['visits', 'meta'], 'readwrite', async ({visits, meta}) => {
    const rows = await promised(meta.getAll());
    const token = rows.find((row) => row.key === 'token')?.value;
    if (token && token.user_id !== userId) {
      meta.delete('token');
      queueRevocation(meta, rows.find((row) => row.key === 'revoke')?.value || [], token.token);
    }
    for (const row of rows) {
      const owner = ownerOf(row.key);
      if (owner !== null && owner !== userId) meta.delete(row.key);
    }
    for (const visit of await promised(visits.getAll())) {
      if (visit.user_id !== userId) visits.delete(visit.id);
    }
  });
}

// Revoke the tokens on the `revoke` list (online, at page load): false while the server is out of reach.
export async function revokeQueued() {
  for (const secret of await getMeta('revoke', [])) {
    try {
      await api.revokeCurrentToken(secret);
    } catch (error) {
      return false; // no network, or the server busy: the list waits for the next page
    }
    await tx('meta', 'readwrite', async ({meta}) => {
      const list = (await promised(meta.get('revoke')))?.value || [];
      const rest = list.filter((s) => s !== secret);
      if (rest.length) meta.put({key: 'revoke', value: rest}); else meta.delete('revoke');
    });
  }
  return true;
}
