/* dicoso service worker: a precached app shell, network-first pages, cache-first static files.
 *
 * The server prepends `self.DICOSO_SHELL = {version, staticPrefix, precache, pages}`; the version is
 * a hash of the shell's files, so any change to them installs a new worker with a new cache.
 * A classic script (not a module) so that every browser with service workers can run it.
 */
'use strict';

const SHELL = self.DICOSO_SHELL;
const PREFIX = 'dicoso-';
const PRECACHE = `${PREFIX}precache-${SHELL.version}`;
// Per-user pages (the form, my visits …): refreshed on every online visit, emptied at sign-out.
const PAGES = `${PREFIX}pages`;
const OFFLINE_URL = '/offline';
const PAGE_TIMEOUT_MS = 3000;
const SYNC_TAG = 'dicoso-outbox';

// "/static/v/<any version>/js/app.js" and "/static/js/app.js" both mean the precached app.js:
// a page cached under an older version still finds its files.
const canonical = (path) => path.replace(/^\/static\/v\/[^/]+\//, '/static/');
const PRECACHED = new Map(SHELL.precache.map((url) => [canonical(url), url]));

const cacheable = (response) =>
  Boolean(response) && response.status === 200 && response.type === 'basic' && !response.redirected;

// Cache writes start only once the whole body is here: a write fed by a stream that breaks
// half-way (the network drops, the browser closes) can lose the copy that was already cached.
async function completeCopy(response) {
  const headers = new Headers(response.headers);
  headers.delete('Content-Encoding'); // the body read here is already decoded
  headers.delete('Content-Length');
  return new Response(await response.arrayBuffer(),
    {status: response.status, statusText: response.statusText, headers});
}

// From a sign-out until the next signed-in page asks to `warm`: no page is written, so a page
// still being copied when the person signed out cannot bring their cache back.
let signedOut = false;

async function putSafely(cacheName, key, response) {
  try {
    const copy = await completeCopy(response);
    if (cacheName === PAGES && signedOut) return;
    const cache = await caches.open(cacheName);
    await cache.put(key, copy);
  } catch (error) {
    // QuotaExceededError and friends must never break the page that is being served.
    console.warn('dicoso sw: cache write failed', key, error);
  }
}

async function precacheShell() {
  const cache = await caches.open(PRECACHE);
  try {
    await Promise.all(SHELL.precache.map(async (url) => {
      // cache: 'reload' skips the HTTP cache, so a stale copy is never precached.
      const response = await fetch(url, {cache: 'reload', credentials: 'same-origin'});
      if (!cacheable(response)) {
        throw new Error(`precache ${url}: ${response.status}${response.redirected ? ' redirected' : ''}`);
      }
      await cache.put(url, response);
    }));
  } catch (error) {
    await caches.delete(PRECACHE); // all or nothing: the next attempt starts clean
    throw error;
  }
}

// Best effort: pages answer 200 only to a signed-in person (a redirect to sign-in is not stored).
// Nothing is deleted here: an answer that was in flight while someone signed in must not remove
// the page just stored for them. The cache is emptied at sign-out and when the person changes.
async function cachePages(onlyMissing) {
  const cache = await caches.open(PAGES);
  await Promise.all(SHELL.pages.map(async (url) => {
    try {
      if (onlyMissing && await cache.match(url)) return;
      const response = await fetch(url, {cache: 'reload', credentials: 'same-origin'});
      if (!cacheable(response)) return;
      const copy = await completeCopy(response);
      if (!signedOut) await cache.put(url, copy);
    } catch (error) {
      // offline or a full disk: the next visit to the page fills it in
    }
  }));
}

const OWNER_KEY = '/__dicoso-pages-owner';

// The pages are one person's (their name, their placement): start afresh when someone else signs in.
async function warm(user) {
  const cache = await caches.open(PAGES);
  const owner = await cache.match(OWNER_KEY);
  if (owner && (await owner.text()) !== String(user)) {
    await caches.delete(PAGES);
    return warm(user);
  }
  if (!owner) await cache.put(OWNER_KEY, new Response(String(user)));
  await cachePages(true);
}

self.addEventListener('install', (event) => {
  event.waitUntil(precacheShell().then(() => cachePages(false)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((name) => name.startsWith(`${PREFIX}precache-`) && name !== PRECACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const type = event.data && event.data.type;
  if (type === 'skip-waiting') self.skipWaiting(); // only when the page has saved its drafts
  else if (type === 'warm') {
    signedOut = false;
    event.waitUntil(warm(event.data.user));
  } else if (type === 'signed-out') {
    signedOut = true;
    event.waitUntil(caches.delete(PAGES));
  }
});

async function cachedPage(url) {
  // A query string (?edit=…, ?source=pwa) does not change the cached page: the script fills it.
  return (await caches.match(url, {cacheName: PAGES, ignoreSearch: true}))
    || (await caches.match(OFFLINE_URL, {cacheName: PRECACHE}));
}

const APP_PAGES = new Set(SHELL.pages);

// Any other page (review, reports, administration): the network only. Those pages are never
// stored, so a supervisor never sees a stale copy (a visit still "waiting" after they returned it),
// and another person's data never sits in this browser's cache.
async function networkOnly(event) {
  try {
    return await fetch(event.request);
  } catch (error) {
    return (await caches.match(OFFLINE_URL, {cacheName: PRECACHE})) || Response.error();
  }
}

async function networkFirst(event) {
  const url = new URL(event.request.url);
  const storable = !url.search || url.searchParams.get('source') === 'pwa';
  const network = fetch(event.request).then((response) => {
    if (storable && cacheable(response) && !url.pathname.startsWith('/auth/')) {
      event.waitUntil(putSafely(PAGES, url.pathname, response.clone()));
    }
    return response;
  });
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(resolve, PAGE_TIMEOUT_MS, null); });
  try {
    const first = await Promise.race([network, timeout]);
    if (first && first.status < 500) return first;
    const cached = await caches.match(url.pathname, {cacheName: PAGES, ignoreSearch: true});
    if (cached) {
      event.waitUntil(network.catch(() => null)); // let the slow answer refresh the cache
      return cached;
    }
    return first || await network;
  } catch (error) {
    return (await cachedPage(url.pathname)) || Response.error();
  } finally {
    clearTimeout(timer);
  }
}

async function cacheFirst(event) {
  const key = PRECACHED.get(canonical(new URL(event.request.url).pathname));
  if (key) {
    const cached = await caches.match(key, {cacheName: PRECACHE});
    if (cached) return cached;
  }
  return fetch(event.request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) return; // API answers live in IndexedDB, never in the Cache API
  if (request.mode === 'navigate') {
    event.respondWith(APP_PAGES.has(url.pathname) ? networkFirst(event) : networkOnly(event));
  } else if (PRECACHED.has(canonical(url.pathname))) {
    event.respondWith(cacheFirst(event));
  }
});

/* Background Sync (Chromium only). An open page does the work itself (its sync module holds the
 * cross-tab lock); with no page open, a minimal push runs here. What an answer does to the outbox
 * (and to the `visits` store), and how many visits go per request, is push-rule.js: the very file
 * the page's outbox.js imports, loaded here with importScripts (it is precached with the shell,
 * and the worker's version changes with it). */
importScripts(`${SHELL.staticPrefix}js/push-rule.js`);
const RULE = self.DicosoPushRule;

self.addEventListener('sync', (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(syncInBackground());
});

function idb(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function transaction(db, names, mode, fn) {
  const tx = db.transaction(names, mode);
  const done = new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onabort = tx.onerror = () => reject(tx.error);
  });
  const stores = Object.fromEntries(names.map((name) => [name, tx.objectStore(name)]));
  return Promise.all([fn(stores), done]).then(([result]) => result);
}

async function syncInBackground() {
  const windows = await self.clients.matchAll({type: 'window'});
  if (windows.length) {
    windows.forEach((client) => client.postMessage({type: 'sync'}));
    return;
  }
  const run = async () => {
    const open = indexedDB.open('dicoso');
    open.onupgradeneeded = () => open.transaction.abort(); // never create the database from here
    const db = await idb(open);
    try {
      // Batch after batch, as the page's pushAll does, until a batch comes back short.
      for (;;) {
        const {token, device, batch} = await transaction(db, ['outbox', 'meta'], 'readonly', async ({outbox, meta}) => {
          const saved = (await idb(meta.get('token')) || {}).value;
          const id = (await idb(meta.get('device')) || {}).value;
          return {token: saved, device: id, batch: saved ? RULE.nextBatch(await idb(outbox.getAll()), saved.user_id) : []};
        });
        if (!token || !batch.length) return;
        const response = await fetch('/api/v1/sync/push', {
          method: 'POST',
          headers: {'Content-Type': 'application/json', Authorization: `Bearer ${token.token}`},
          body: JSON.stringify(RULE.body(batch, device)),
        });
        if (!response.ok) throw new Error(`push: ${response.status}`); // the browser retries later
        const answer = await response.json();
        await transaction(db, ['outbox', 'visits', 'meta'], 'readwrite',
          (stores) => RULE.applyResults(stores, batch, answer));
        if (batch.length < RULE.BATCH) return;
      }
    } finally {
      db.close();
    }
  };
  return self.navigator.locks ? self.navigator.locks.request('dicoso-sync', run) : run();
}
