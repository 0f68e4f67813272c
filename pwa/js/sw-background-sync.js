/* The service worker's Background Sync: when the browser fires the outbox's sync event and no page
 * is in view, the worker sends the waiting visits and then the photos, by the same rules as the page
 * (push-rule.js, photo-upload-rule.js, loaded before this file).
 *
 * A classic script that pwa/sw.js loads with importScripts, never imported by a page; its own scope
 * (the function below), so that nothing here mixes with the worker's caching code.
 */
(function backgroundSync() {
  'use strict';

  // The tag the page registers (pwa/js/sync.js) when it leaves entries waiting.
  const SYNC_TAG = 'dicoso-outbox';
  const RULE = self.DicosoPushRule;
  const PHOTO_RULE = self.DicosoPhotoUpload;

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

  // Batch after batch, as the page's pushAll does, until a batch comes back short. Resolves to the
  // device token ({token, user_id}), or null when this device has none.
  async function pushOutbox(db) {
    for (;;) {
      const {token, device, batch} = await transaction(db, ['outbox', 'meta'], 'readonly', async ({outbox, meta}) => {
        const saved = (await idb(meta.get('token')) || {}).value;
        const id = (await idb(meta.get('device')) || {}).value;
        return {token: saved, device: id, batch: saved ? RULE.nextBatch(await idb(outbox.getAll()), saved.user_id) : []};
      });
      if (!token) return null;
      if (!batch.length) return token;
      const response = await fetch('/api/v1/sync/push', {
        method: 'POST',
        headers: {'Content-Type': 'application/json', Authorization: `Bearer ${token.token}`},
        body: JSON.stringify(RULE.body(batch, device)),
      });
      if (!response.ok) throw new Error(`push: ${response.status}`); // the browser retries later
      const answer = await response.json();
      await transaction(db, ['outbox', 'visits', 'meta'], 'readwrite',
        (stores) => RULE.applyResults(stores, batch, answer));
      if (batch.length < RULE.BATCH) return token;
    }
  }

  /* The API call photo-upload-rule.js expects: {body} for an answer that went well; an error marked
   * `answered` (with the server's status, code and details) for one that did not; any other error
   * when nothing usable came back (the browser retries the sync later). */
  async function call(path, {method = 'GET', token, body, raw, headers = {}, timeout = 30000} = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    try {
      const response = await fetch(path, {
        method, cache: 'no-store', signal: controller.signal,
        headers: {Accept: 'application/json', Authorization: `Bearer ${token}`,
          ...(body !== undefined ? {'Content-Type': 'application/json'} : {}), ...headers},
        body: raw !== undefined ? raw : body !== undefined ? JSON.stringify(body) : undefined,
      });
      if (response.status === 204) return {body: null};
      const data = await response.json().catch(() => null);
      if (response.ok && data !== null) return {body: data};
      if (response.ok) throw new Error('unreadable answer');
      const error = (data && data.error) || {};
      throw Object.assign(new Error(error.message || `HTTP ${response.status}`), {
        answered: true, status: response.status, code: error.code || 'http', fields: error.fields || {}, details: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  function uploadPhotos(db, token) {
    if (!db.objectStoreNames.contains('photos')) return null; // a device no page has upgraded yet
    const uploadAll = PHOTO_RULE.uploader({
      request: call,
      isApiError: (error) => Boolean(error && error.answered),
      photos: {
        all: () => transaction(db, ['photos'], 'readonly', ({photos}) => idb(photos.getAll())),
        change: (id, fn) => transaction(db, ['photos'], 'readwrite', async ({photos}) => {
          const photo = await idb(photos.get(id));
          if (!photo) return null;
          const next = fn(photo);
          if (next) photos.put(next);
          else photos.delete(id);
          return next;
        }),
      },
      hasVisit: (id) => transaction(db, ['visits'], 'readonly', async ({visits}) => Boolean(await idb(visits.get(id)))),
    });
    return uploadAll(token.token, token.user_id);
  }

  // A page in view does the sync itself (it shows it as it goes). Otherwise the worker sends the
  // outbox: handing the event to a page that is going away (navigated, closed, in the back-forward
  // cache) finished the event with nothing sent, and Background Sync never fired again. The Web Lock
  // keeps the worker from running beside a page's own sync; the pages are told afterwards.
  async function syncInBackground() {
    const windows = await self.clients.matchAll({type: 'window'});
    const inView = windows.filter((client) => client.visibilityState === 'visible');
    if (inView.length) {
      inView.forEach((client) => client.postMessage({type: 'sync'}));
      return;
    }
    const run = async () => {
      const open = indexedDB.open('dicoso');
      open.onupgradeneeded = () => open.transaction.abort(); // never create the database from here
      const db = await idb(open);
      try {
        const token = await pushOutbox(db);
        if (token) await uploadPhotos(db, token); // photos last: the slow part on GPRS
      } finally {
        db.close();
      }
    };
    await (self.navigator.locks ? self.navigator.locks.request('dicoso-sync', run) : run());
    windows.forEach((client) => client.postMessage({type: 'sync'}));
  }
})();
