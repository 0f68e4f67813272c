/* dicoso service worker: a precached app shell, the app's pages from the cache at once
 * (refreshed in the background), cache-first static files.
 *
 * The server prepends `self.DICOSO_SHELL = {version, staticPrefix, precache, pages, freshParam}`;
 * the version is a hash of the shell's files, so any change to them installs a new worker with a
 * new cache. A classic script (not a module) so that every browser with service workers runs it.
 */
'use strict';

const SHELL = self.DICOSO_SHELL;
const PREFIX = 'dicoso-';
const PRECACHE = `${PREFIX}precache-${SHELL.version}`;
// The app's pages (the form, my visits …) of one person in one language; emptied at sign-out.
const PAGES = `${PREFIX}pages`;
// Pages fetched by a new worker while the old one still serves: moved into PAGES when it activates.
const STAGING = `${PREFIX}pages-next`;
const OWNER_KEY = '/__dicoso-pages-owner';
const OFFLINE_URL = '/offline';
// Only a navigation that must see the server (see freshParam) waits for it, at most this long.
const PAGE_TIMEOUT_MS = 3000;
// A background refresh that has not finished by then is dropped (a link that never answers).
const REFRESH_TIMEOUT_MS = 60000;
// Query parameters that the page's own script reads: the cached page serves every value of them.
const SCRIPTED = new Set(['edit', 'placement', 'date', 'source', 'month']);

// "/static/v/<any version>/js/app.js" and "/static/js/app.js" both mean the precached app.js:
// a page cached under an older version still finds its files.
const canonical = (path) => path.replace(/^\/static\/v\/[^/]+\//, '/static/');
const PRECACHED = new Map(SHELL.precache.map((url) => [canonical(url), url]));
const APP_PAGES = new Set(SHELL.pages);

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

async function precacheShell() {
  const cache = await caches.open(PRECACHE);
  try {
    await Promise.all(SHELL.precache.map(async (url) => {
      // cache: 'reload' skips the HTTP cache, so a stale copy is never precached. No cookies: the
      // shell is everyone's (the offline page must not keep whoever was signed in at install).
      const response = await fetch(url, {cache: 'reload', credentials: 'omit'});
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

/* Whose pages. The server names a page's owner ("<user id>:<language>") in X-Dicoso-Owner; the
 * cache keeps the owner of its pages under OWNER_KEY. A page of someone else (another person signed
 * in, another language chosen) empties the cache, but only when the person is looking at it (a
 * navigation, or the page's `warm` message): a background answer that was in flight while someone
 * signed in must never remove the pages just stored for them, nor refill a cache emptied at sign-out. */
async function ownerOf(cacheName) {
  const cache = await caches.open(cacheName);
  const owner = await cache.match(OWNER_KEY);
  return owner ? owner.text() : null;
}

let ownerChange = Promise.resolve();
function adopt(owner) {
  ownerChange = ownerChange.then(async () => {
    const current = await ownerOf(PAGES);
    if (current === owner) return;
    if (current !== null) await Promise.all([caches.delete(PAGES), caches.delete(STAGING)]);
    await (await caches.open(PAGES)).put(OWNER_KEY, new Response(owner));
  }).catch((error) => console.warn('dicoso sw: owner', error));
  return ownerChange;
}

// Keep a copy of a page, if it may be kept: a 200 without a redirect (signed in), nobody's one-time
// messages in it, made for this worker's shell (an older worker must not serve a newer shell's page
// with its older files), and the cache's owner's page (or, with `claim`, the owner becomes this page's).
async function keep(cacheName, path, response, claim) {
  try {
    if (!cacheable(response) || response.headers.has('X-Dicoso-Flashes')) return false;
    const owner = response.headers.get('X-Dicoso-Owner');
    if (!owner) return false;
    if (response.headers.get('X-Dicoso-Shell') !== SHELL.version) {
      self.registration.update().catch(() => {}); // a newer shell is out: install it
      return false;
    }
    if (signedOut) return false;
    if (claim && cacheName === PAGES) await adopt(owner);
    else if (claim) await (await caches.open(cacheName)).put(OWNER_KEY, new Response(owner));
    if ((await ownerOf(cacheName)) !== owner) return false;
    const copy = await completeCopy(response);
    if (signedOut) return false;
    await (await caches.open(cacheName)).put(path, copy);
    return true;
  } catch (error) {
    // QuotaExceededError and friends must never break the page that is being served.
    console.warn('dicoso sw: cache write failed', path, error);
    return false;
  }
}

// Fetch the pages a cadre needs offline into a cache (best effort: offline, signed out or a full
// disk, the next visit to the page fills it in).
async function cachePages(cacheName, {onlyMissing = false, claim = false} = {}) {
  const cache = await caches.open(cacheName);
  await Promise.all(SHELL.pages.map(async (url) => {
    try {
      if (onlyMissing && await cache.match(url)) return;
      const response = await fetch(url, {cache: 'reload', credentials: 'same-origin'});
      await keep(cacheName, url, response, claim);
    } catch (error) {
      // the next visit to the page fills it in
    }
  }));
}

// The page of a signed-in person asks for the offline pages (and names its owner).
async function warm(owner) {
  if (owner) await adopt(owner);
  await cachePages(PAGES, {onlyMissing: true});
}

// A refreshed copy of one page, in the background; one fetch at a time per page. A refresh asked
// for while one is on its way runs again once it ends: the fetch on its way may have left the
// server before the change the new ask is about, and its copy must not be the last word.
const refreshing = new Map();

function refreshOnce(path) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REFRESH_TIMEOUT_MS);
  // Not the navigation's own request: a plain fetch (Sec-Fetch-Mode: same-origin) never takes the
  // one-time messages meant for the page the person opens next (server/pwa_shell/views.py).
  return fetch(path, {credentials: 'same-origin', signal: controller.signal})
    .then((response) => keep(PAGES, path, response, false))
    .catch(() => false)
    .finally(() => clearTimeout(timer));
}

function refresh(path) {
  const running = refreshing.get(path);
  if (running) {
    running.again = true;
    return running.done;
  }
  const entry = {again: false};
  entry.done = (async () => {
    let kept;
    do {
      entry.again = false;
      kept = await refreshOnce(path);
    } while (entry.again);
    return kept;
  })().finally(() => refreshing.delete(path));
  refreshing.set(path, entry);
  return entry.done;
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    await precacheShell();
    if (self.registration.active) {
      // An update: the old worker keeps serving its pages with its files until this one takes over.
      await caches.delete(STAGING);
      await cachePages(STAGING, {claim: true});
    } else {
      await cachePages(PAGES, {claim: true});
    }
  })());
});

// The pages fetched at install replace the old worker's, if they are the same person's (after a
// sign-out in between, PAGES has no owner and the staged pages are dropped).
async function promoteStagedPages() {
  const staged = await caches.open(STAGING);
  const [owner, stagedOwner] = await Promise.all([ownerOf(PAGES), ownerOf(STAGING)]);
  if (owner && owner === stagedOwner) {
    const pages = await caches.open(PAGES);
    for (const request of await staged.keys()) {
      if (new URL(request.url).pathname !== OWNER_KEY) await pages.put(request, await staged.match(request));
    }
  }
  await caches.delete(STAGING);
}

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((name) => name.startsWith(`${PREFIX}precache-`) && name !== PRECACHE)
      .map((name) => caches.delete(name)));
    await promoteStagedPages();
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const type = event.data && event.data.type;
  if (type === 'skip-waiting') self.skipWaiting(); // only when the page has saved its drafts
  else if (type === 'warm') {
    signedOut = false;
    event.waitUntil(warm(event.data.owner));
  } else if (type === 'signed-out') {
    signedOut = true;
    event.waitUntil(Promise.all([caches.delete(PAGES), caches.delete(STAGING)]));
  }
});

async function offlinePage() {
  return (await caches.match(OFFLINE_URL, {cacheName: PRECACHE})) || Response.error();
}

// A navigation's own answer from the server: a page of someone else empties the cache at once.
function noteOwner(response) {
  const owner = response.headers.get('X-Dicoso-Owner');
  return owner ? adopt(owner) : Promise.resolve();
}

// Any other page (review, reports, administration): the network only. Those pages are never
// stored, so a supervisor never sees a stale copy (a visit still "waiting" after they returned it),
// and another person's data never sits in this browser's cache.
async function networkOnly(event) {
  try {
    const response = await fetch(event.request);
    event.waitUntil(noteOwner(response));
    return response;
  } catch (error) {
    return offlinePage();
  }
}

// Which query strings leave a page the same page: none, or only what its script reads.
function pageKind(url) {
  const names = [...url.searchParams.keys()];
  if (names.includes(SHELL.freshParam)) return 'fresh'; // right after a form post: the server's page
  return names.every((name) => SCRIPTED.has(name)) ? 'cached' : 'network';
}

// An app page: from the cache at once whatever the network does, refreshed in the background so
// the next navigation shows the server's newer copy (stale-while-revalidate). Right after a form
// post, with another query string, or with no copy yet: the network, then the cache after 3 s.
async function appPage(event) {
  const url = new URL(event.request.url);
  const kind = pageKind(url);
  if (kind === 'cached') {
    const cached = await caches.match(url.pathname, {cacheName: PAGES});
    if (cached) {
      event.waitUntil(refresh(url.pathname));
      return cached;
    }
  }
  const storable = [...url.searchParams.keys()].every((name) => name === 'source' || name === SHELL.freshParam);
  const network = fetch(event.request).then((response) => {
    event.waitUntil(storable ? keep(PAGES, url.pathname, response.clone(), true) : noteOwner(response));
    return response;
  });
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(resolve, PAGE_TIMEOUT_MS, null); });
  try {
    const first = await Promise.race([network, timeout]);
    if (first && first.status < 500) return first;
    const cached = await caches.match(url.pathname, {cacheName: PAGES});
    if (cached) {
      event.waitUntil(network.catch(() => null)); // let the slow answer refresh the cache
      return cached;
    }
    return first || await network;
  } catch (error) {
    return (await caches.match(url.pathname, {cacheName: PAGES})) || offlinePage();
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
    event.respondWith(APP_PAGES.has(url.pathname) ? appPage(event) : networkOnly(event));
  } else if (PRECACHED.has(canonical(url.pathname))) {
    event.respondWith(cacheFirst(event));
  }
});

/* Background Sync (Chromium only). An open page does the work itself (its sync module holds the
 * cross-tab lock); with no page open, a minimal push runs here, then the photos whose visits the
 * server has. What an answer does to the outbox (and to the `visits` store), and how many visits go
 * per request, is push-rule.js; how photos go up, resumably, is photo-upload-rule.js: the very files
 * the page's outbox.js and photo-upload.js import, loaded here with importScripts (precached with
 * the shell, and the worker's version changes with them). The worker's own part of it, the sync
 * event's handler, is js/sw-background-sync.js, loaded after them. */
importScripts(`${SHELL.staticPrefix}js/push-rule.js`, `${SHELL.staticPrefix}js/photo-upload-rule.js`,
  `${SHELL.staticPrefix}js/sw-background-sync.js`);
