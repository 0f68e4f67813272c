// The outbox: visits saved on this device that the server has not acknowledged yet.
// What a push answer does to it is push-rule.js, shared with the service worker.
import {getAll, promised, tx} from './db.js';
import './push-rule.js';

const rule = self.DicosoPushRule;
export const {ACKNOWLEDGED, BATCH, KEPT} = rule;

export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// Save (or replace) a visit; `rev` tells a later save apart from the copy a sync is sending.
export function save(visit, userId) {
  const entry = {
    id: visit.id, user_id: userId, visit, state: 'waiting', errors: null, server: null,
    saved_at: new Date().toISOString(), rev: newId(),
  };
  return tx('outbox', 'readwrite', (s) => promised(s.outbox.put(entry))).then(() => entry);
}

// Save (or replace) a monthly account or a "direction done": the same outbox, the same sync.
export function saveItem(kind, item, userId) {
  const entry = {
    id: item.id, kind, user_id: userId, item, state: 'waiting', errors: null, server: null,
    saved_at: new Date().toISOString(), rev: newId(),
  };
  return tx('outbox', 'readwrite', (s) => promised(s.outbox.put(entry))).then(() => entry);
}

// The visits waiting in the outbox (the other kinds have their own pages).
export async function visitEntries(userId) {
  return (await entries(userId)).filter((e) => !e.kind);
}

export const body = (batch, device) => rule.body(batch, device);

export async function entries(userId) {
  return (await getAll('outbox')).filter((e) => e.user_id === userId);
}

// The next batch to push (the same choice the worker makes).
export async function nextBatch(userId) {
  return rule.nextBatch(await getAll('outbox'), userId);
}

// Apply the server's per-item answers to what was sent, in one transaction.
export function applyResults(sent, results) {
  return tx(['outbox', 'visits', 'meta'], 'readwrite', (stores) => rule.applyResults(stores, sent, results));
}

// Conflict: keep my version on top of the server's, or drop mine and keep the server's.
export function resolve(id, keepMine) {
  return tx(['outbox', 'visits'], 'readwrite', async ({outbox, visits}) => {
    const entry = await promised(outbox.get(id));
    if (!entry) return;
    if (entry.kind) {
      if (keepMine && entry.server) {
        // an account the server already has under another id (written on another device): adopt it
        const key = entry.server.id || entry.id;
        outbox.delete(id);
        outbox.put({...entry, id: key, state: 'waiting', errors: null, rev: newId(), server: null,
          item: {...entry.item, id: key, base_version: entry.server.version}});
      } else {
        outbox.delete(id);
      }
      return;
    }
    if (keepMine && entry.server) {
      outbox.put({...entry, state: 'waiting', errors: null, rev: newId(),
        visit: {...entry.visit, base_version: entry.server.version}, server: null});
    } else {
      if (entry.server) visits.put({...entry.server, user_id: entry.user_id});
      outbox.delete(id);
    }
  });
}

// The escape hatch: a JSON file of everything still on this device (waiting entries and the
// drafts of half-filled forms), and back.
export async function exportFile(userId) {
  const list = await entries(userId);
  const drafts = (await getAll('drafts')).filter((d) => d.user_id === userId)
    .map((d) => ({...d, form: d.form ?? d.key})); // a draft saved before keys were per person
  return {format: 'dicoso-outbox', version: 1, exported_at: new Date().toISOString(), entries: list, drafts};
}

export function importFile(data, userId) {
  if (!data || data.format !== 'dicoso-outbox' || !Array.isArray(data.entries)) throw new Error('format');
  const drafts = Array.isArray(data.drafts) ? data.drafts : [];
  return tx(['outbox', 'drafts'], 'readwrite', async ({outbox, drafts: draftStore}) => {
    let added = 0;
    let skipped = 0;
    for (const entry of data.entries) {
      const id = entry?.kind ? entry.item?.id : entry?.visit?.id;
      if (typeof id !== 'string') throw new Error('format');
      if (await promised(outbox.get(id))) { skipped += 1; continue; }
      outbox.put({...entry, id, user_id: userId, state: 'waiting', rev: newId()});
      added += 1;
    }
    for (const draft of drafts) {
      // a draft is this person's half-filled form (`form`: new, edit:<id>, placement:<id>:<date>)
      const form = typeof draft?.form === 'string' ? draft.form : null;
      if (!form || typeof draft.fields !== 'object') throw new Error('format');
      const key = `${userId}:${form}`;
      if (await promised(draftStore.get(key))) { skipped += 1; continue; }
      draftStore.put({...draft, key, user_id: userId});
      added += 1;
    }
    return {added, skipped};
  });
}
