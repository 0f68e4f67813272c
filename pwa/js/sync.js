// Sync: push the outbox, pull the server's changes, send the photos; one run at a time across tabs (Web Locks).
import * as api from './api.js';
import {del, getMeta, promised, setMeta, tx} from './db.js';
import {handOver, revokeQueued} from './device-data.js';
import * as outbox from './outbox.js';
import * as photos from './photo-store.js';

const LOCK = 'dicoso-sync';
const BOOTSTRAP_MAX_AGE_MS = 60 * 60 * 1000;
// Tests shorten these with an init script; nothing else sets them.
const TIMING = {interval: 60000, retryBase: 5000, retryMax: 300000, ...(globalThis.DICOSO_SYNC_TIMING || {})};

const page = document.body.dataset;
export const userId = page.userId ? Number(page.userId) : null;
const channel = 'BroadcastChannel' in self ? new BroadcastChannel('dicoso') : null;
const listeners = new Set();
let state = {phase: 'idle', error: null};
let failures = 0;
let timer = null;
let running = null;
// Sign-out holds syncing off while it takes this person's data off the device.
let paused = false;

export function onStatus(fn) {
  listeners.add(fn);
  status().then(fn);
}

export async function status() {
  const list = userId ? await outbox.entries(userId) : [];
  return {
    ...state,
    online: navigator.onLine,
    waiting: list.length,
    photosWaiting: userId ? await photos.owedCount(userId) : 0,
    lastSync: userId ? await getMeta(`last_sync:${userId}`) : null,
    authNeeded: userId ? Boolean(await getMeta(`auth_needed:${userId}`)) : false,
  };
}

// Tell this tab's listeners and the other tabs that something changed.
let generation = 0;
export async function changed(fromOtherTab = false) {
  const mine = ++generation;
  const current = await status();
  // Reads finish in any order: only the newest one may paint, or a stale count could stay shown.
  if (mine === generation) listeners.forEach((fn) => fn(current));
  if (!fromOtherTab && channel) channel.postMessage({type: 'changed'});
}
if (channel) channel.onmessage = () => changed(true);

async function deviceId() {
  let id = await getMeta('device');
  if (!id) {
    id = outbox.newId();
    await setMeta('device', id);
  }
  return id;
}

// The device token for the signed-in person; issued from the web session when missing.
async function token() {
  const saved = await getMeta('token');
  if (saved && saved.user_id === userId) return saved.token;
  // someone else's token: they left without signing out; it is revoked, their copies go
  if (saved) {
    await handOver(userId);
    revokeQueued().catch(() => {}); // best effort now; else at the next page load online
  }
  const csrf = (await freshSession())?.csrf;
  if (!csrf) return null;
  const name = `${navigator.userAgentData?.platform || navigator.platform || 'web'} · ${new Date().toISOString().slice(0, 10)}`;
  const issued = await api.issueToken(csrf, name.slice(0, 100));
  await setMeta('token', {token: issued.token, user_id: userId});
  return issued.token;
}

// This page may come from the cache with a stale CSRF token: read a fresh one from the server,
// with the id of the person its web session signs in ({csrf, userId}; null: nobody is signed in).
export async function freshSession() {
  const response = await fetch('/visits/settings', {cache: 'no-store', credentials: 'same-origin'});
  if (response.redirected || !response.ok) return null; // signed out: the sign-in page answered
  const html = new DOMParser().parseFromString(await response.text(), 'text/html');
  const csrf = html.querySelector('meta[name="csrf-token"]')?.content;
  return csrf ? {csrf, userId: Number(html.body.dataset.userId) || null} : null;
}

async function refreshBootstrap(secret) {
  const key = `bootstrap:${userId}`;
  const saved = await getMeta(key);
  if (saved && Date.now() - saved.fetched_at < BOOTSTRAP_MAX_AGE_MS) return;
  const fresh = await api.bootstrap(secret, saved?.etag);
  if (fresh?.data) {
    await keepDirections(fresh.data.directions || []);
    await keepAccounts(fresh.data.accounts || []);
    if (fresh.data.standing) await setMeta(`standing:${userId}`, fresh.data.standing);
  }
  // Marked fetched only once its parts are kept: a run cut in between (a reload during the first
  // sync) would otherwise leave the device without the accounts until the bootstrap aged out.
  await setMeta(key, {...(fresh || saved), fetched_at: Date.now()});
}

export async function bootstrapData() {
  return userId ? (await getMeta(`bootstrap:${userId}`))?.data || null : null;
}

async function pushAll(secret) {
  const device = await deviceId();
  for (;;) {
    const batch = await outbox.nextBatch(userId);
    if (!batch.length) return;
    const answer = await api.pushBody(secret, outbox.body(batch, device));
    await outbox.applyResults(batch, answer);
    await changed();
    if (batch.length < outbox.BATCH) return;
  }
}

async function pullAll(secret) {
  const key = `cursor:${userId}`;
  const directionsKey = `directions_cursor:${userId}`;
  let cursor = await getMeta(key);
  let directionsCursor = await getMeta(directionsKey);
  for (;;) {
    const page = await api.pull(secret, cursor, directionsCursor);
    const items = page.visits || [];
    await tx('visits', 'readwrite', async ({visits}) => {
      for (const visit of items) visits.put({...visit, user_id: userId});
    });
    await keepDirections(page.directions || []);
    // the regime's figure as the server has it after this page: the year card's base (regime.js)
    if (page.standing) await setMeta(`standing:${userId}`, page.standing);
    cursor = page.cursor ?? cursor;
    directionsCursor = page.directions_cursor ?? directionsCursor;
    await setMeta(key, cursor);
    await setMeta(directionsKey, directionsCursor);
    const more = (page.more && items.length) || (page.directions_more && page.directions?.length);
    if (!more) return;
  }
}

// The hearing's directions on this device: id → the newest copy (by version) from pull or bootstrap.
async function keepDirections(list) {
  if (!list.length) return;
  await tx('meta', 'readwrite', async ({meta}) => {
    const key = `directions:${userId}`;
    const map = (await promised(meta.get(key)))?.value || {};
    for (const direction of list) {
      if (!map[direction.id] || map[direction.id].version <= direction.version) map[direction.id] = direction;
    }
    meta.put({key, value: map});
  });
}

// The monthly accounts the server has (bootstrap): the copy the account form edits.
async function keepAccounts(list) {
  for (const account of list) {
    const key = `account:${userId}:${account.month}`;
    const mine = await getMeta(key);
    if (!mine || (mine.version ?? 0) <= account.version) await setMeta(key, account);
  }
}

// The server's standing (bootstrap, then every pull): null before the first sync.
export async function standing() {
  return userId ? getMeta(`standing:${userId}`, null) : null;
}

export async function directions() {
  return userId ? Object.values(await getMeta(`directions:${userId}`, {})) : [];
}

// The page was just answered by the server for this person (a sign-in, a password change …).
export function sessionWorks() {
  return setMeta(`auth_needed:${userId}`, false);
}

async function run() {
  if (paused) return 'paused'; // a run that waited for the lock while sign-out held it
  const outcome = await attempt();
  // A token refused (revoked by a password change, expired) is replaced from the web session at
  // once when there is one, rather than asking the person to sign in again until the next run.
  return outcome === 'retry' ? attempt(false) : outcome;
}

async function attempt(mayRetry = true) {
  let secret;
  try {
    secret = await token();
  } catch (error) {
    if (error instanceof api.ApiError && [400, 401, 403].includes(error.status)) {
      await setMeta(`auth_needed:${userId}`, true); // the web session or its page is stale
      return 'auth';
    }
    throw error;
  }
  if (!secret) {
    await setMeta(`auth_needed:${userId}`, true);
    return 'auth';
  }
  try {
    await pushAll(secret);
    await setMeta(`auth_needed:${userId}`, false); // the token works: hide the sign-in prompt
    await refreshBootstrap(secret);
    await pullAll(secret);
    // Photos last (they are the slow part on GPRS), once their visits are acknowledged; visits
    // saved while a photo was on its way are pushed between two photos. The upload's code loads
    // only when a photo is owed (most syncs have none: pages load it no more).
    if (await photos.uploadDue(userId)) {
      const {uploadAll} = await import('./photo-upload.js');
      await uploadAll(secret, userId, {between: () => pushAll(secret), progress: () => changed()});
    }
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) {
      // The token was revoked or expired: keep every entry, forget the token; try once more with
      // one from the web session, else ask to sign in.
      await del('meta', 'token');
      if (mayRetry) return 'retry';
      await setMeta(`auth_needed:${userId}`, true);
      return 'auth';
    }
    throw error;
  }
  await setMeta(`last_sync:${userId}`, new Date().toISOString());
  return 'ok';
}

// Sync once now (or join the run this tab already has going).
export function syncNow() {
  if (!userId) return Promise.resolve('signed-out');
  if (paused) return Promise.resolve('paused');
  if (running) return running;
  if (!navigator.onLine) {
    schedule();
    return changed(true).then(() => 'offline');
  }
  running = (async () => {
    state = {phase: 'syncing', error: null};
    await changed(true);
    let outcome;
    try {
      outcome = navigator.locks
        ? await navigator.locks.request(LOCK, run)
        : await run();
      failures = outcome === 'ok' ? 0 : failures;
      state = {phase: outcome === 'auth' ? 'auth' : 'idle', error: null};
    } catch (error) {
      failures += 1;
      outcome = 'failed';
      state = {phase: 'failed', error: String(error)};
    } finally {
      running = null;
    }
    await changed();
    schedule();
    return outcome;
  })();
  return running;
}

export function pause() {
  paused = true;
  clearTimeout(timer);
}

export function resume() {
  paused = false;
  schedule();
}

// The next timed run: every minute, backing off after failures (capped), only while online.
function schedule() {
  clearTimeout(timer);
  if (paused) return;
  const delay = failures
    ? Math.min(TIMING.retryBase * 2 ** (failures - 1), TIMING.retryMax)
    : TIMING.interval;
  timer = setTimeout(() => (navigator.onLine ? syncNow() : schedule()), delay);
}

export async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register('dicoso-outbox');
  } catch (error) {
    // no Background Sync here (Safari, Firefox): the page's own triggers carry the sync
  }
}

export function start() {
  if (!userId) return;
  addEventListener('online', () => { failures = 0; syncNow(); });
  addEventListener('offline', () => changed(true));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') syncNow();
  });
  navigator.serviceWorker?.addEventListener('message', (event) => {
    if (event.data?.type === 'sync') syncNow();
  });
  syncNow();
}
