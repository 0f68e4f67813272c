// A tiny promise wrapper over IndexedDB, shaped like the idb library's openDB(name, version, upgrade).
// The service worker opens the same database without a version (it never upgrades it).
const NAME = 'dicoso';
const VERSION = 2;

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

// Versioned upgrades: each step runs once, in order, for a database older than it.
function upgrade(db, oldVersion) {
  if (oldVersion < 1) {
    db.createObjectStore('outbox', {keyPath: 'id'}); // visits waiting for the server's answer
    db.createObjectStore('drafts', {keyPath: 'key'}); // half-filled forms
    db.createObjectStore('visits', {keyPath: 'id'}); // the server's copies, from pull
    db.createObjectStore('meta', {keyPath: 'key'}); // token, device id, bootstrap, cursor …
  }
  if (oldVersion < 2) {
    // photos of visits (photo-store.js): the JPEG until the server has every byte, then a thumbnail
    const photos = db.createObjectStore('photos', {keyPath: 'id'});
    photos.createIndex('visit_id', 'visit_id');
    photos.createIndex('user_state', ['user_id', 'state']); // "n photos waiting" without reading them
  }
}

let opening;

export function openDB() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(NAME, VERSION);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => { db.close(); opening = undefined; }; // a newer tab upgrades
      resolve(db);
    };
    request.onerror = () => reject(request.error);
  });
  return opening;
}

// Run fn(stores) in one transaction; resolve with fn's result once the transaction commits.
export async function tx(storeNames, mode, fn) {
  const db = await openDB();
  const names = [].concat(storeNames);
  const transaction = db.transaction(names, mode);
  const stores = Object.fromEntries(names.map((n) => [n, transaction.objectStore(n)]));
  const done = new Promise((resolve, reject) => {
    transaction.oncomplete = resolve;
    transaction.onabort = transaction.onerror = () => reject(transaction.error);
  });
  const result = await fn(stores);
  await done;
  return result;
}

export const get = (store, key) => tx(store, 'readonly', (s) => promised(s[store].get(key)));
export const getAll = (store) => tx(store, 'readonly', (s) => promised(s[store].getAll()));
export const put = (store, value) => tx(store, 'readwrite', (s) => promised(s[store].put(value)));
export const del = (store, key) => tx(store, 'readwrite', (s) => promised(s[store].delete(key)));
export { promised };

export async function getMeta(key, fallback = null) {
  const row = await get('meta', key);
  return row ? row.value : fallback;
}

export const setMeta = (key, value) => put('meta', {key, value});
