// Signing out of a phone that others may use next. Nothing unsent is lost: with entries or
// drafts waiting, the dialog (sign-out-dialog.js) offers to send them first or to take the
// export file, and says what will happen. Then the device's token is revoked, the web session
// ends, and the person's data leaves the device (device-data.js) with the pages cache.
//
// With no network the server cannot be told. The cadre may still sign out: their data leaves
// the phone at once, and the first page opened online afterwards revokes the token and ends the
// web session (`revoke`, `sign_out_pending` in meta) before anything else runs. docs/pwa.md says why.
import * as api from './api.js';
import {del, getMeta} from './db.js';
import * as data from './device-data.js';
import * as drafts from './drafts.js';
import {download, exportData} from './export-file.js';
import {t} from './i18n.js';
import * as dialog from './sign-out-dialog.js';
import * as sync from './sync.js';

const PAGES = 'dicoso-pages';
const SESSION_TIMEOUT_MS = 15000;
const SIGN_IN = '/auth/sign-in';
const userId = sync.userId;
// Other tabs of this person leave as soon as one of them has signed out.
const channel = 'BroadcastChannel' in self ? new BroadcastChannel('dicoso-session') : null;

// `signedOut`: this tab is where the person signed out, and the sign-in page says so (the other
// tabs open it plain: server/auth/views.py sign_out).
function leave(signedOut = false) {
  sync.pause();
  drafts.stopSaving();
  location.replace(signedOut ? `${SIGN_IN}?signed_out=1` : SIGN_IN);
}

if (channel) {
  channel.onmessage = (event) => {
    if (event.data?.type === 'signed-out' && userId && event.data.user === userId) leave();
  };
}

// POST /auth/sign-out from the page. Signed out, the server answers with its redirect.
async function postSignOut(action, body) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), SESSION_TIMEOUT_MS);
  try {
    // The worker leaves POSTs alone: this goes to the server or fails here, nothing in between.
    const response = await fetch(action, {method: 'POST', body, credentials: 'same-origin',
      redirect: 'manual', signal: controller.signal});
    return response.type === 'opaqueredirect';
  } catch (error) {
    throw new api.NetworkError(String(error)); // no answer: a dead connection the browser calls online
  } finally {
    clearTimeout(timer);
  }
}

// End the web session; a page from the cache has a stale CSRF token, so try once with a fresh one.
async function endSession(form) {
  if (await postSignOut(form.action, new FormData(form))) return true;
  let fresh;
  try {
    fresh = await sync.freshSession();
  } catch (error) {
    throw new api.NetworkError(String(error));
  }
  if (!fresh) return true; // nobody is signed in any more: the session has already ended
  const body = new FormData(form);
  body.set('csrf_token', fresh.csrf);
  return postSignOut(form.action, body);
}

async function forgetPages() {
  // the worker first, so that a page it is still writing does not bring the cache back
  navigator.serviceWorker?.controller?.postMessage({type: 'signed-out'});
  if ('caches' in self) await caches.delete(PAGES);
}

const withSyncLock = (fn) => (navigator.locks ? navigator.locks.request('dicoso-sync', fn) : fn());

/* Sign out, having handled the waiting things in `seen` (sent or exported). Online: revoke the
 * token, end the session, then remove the data; offline: remove it now, the server later.
 * Resolves 'done' (leaving the page), 'changed' (something new is waiting: ask again),
 * 'unreachable' (no answer: ask whether to sign out without the network) or 'failed'. */
async function finish(form, seen, online) {
  sync.pause();
  const outcome = await withSyncLock(async () => {
    if (!data.within(await data.waitingFor(userId), seen)) return 'changed';
    if (online) {
      try {
        const saved = await getMeta('token');
        if (saved?.user_id === userId) await api.revokeCurrentToken(saved.token);
        if (!(await endSession(form))) return 'failed';
      } catch (error) {
        return error instanceof api.NetworkError ? 'unreachable' : 'failed';
      }
    }
    drafts.stopSaving();
    // Anything saved since the check above (another tab) is kept, never removed unseen.
    await data.removeUser(userId, seen, !online);
    await forgetPages();
    channel?.postMessage({type: 'signed-out', user: userId});
    return 'done';
  });
  if (outcome === 'done') leave(true); else sync.resume();
  return outcome;
}

// Send everything waiting; a second run picks up what was saved during the first.
async function sendAll() {
  let outcome = await sync.syncNow();
  const left = await data.waitingFor(userId);
  if (outcome === 'ok' && left.entries.some((e) => e.state === 'waiting')) outcome = await sync.syncNow();
  return outcome;
}

const NOTES = {changed: 'signOutChanged', unreachable: 'signOutUnreachable', failed: 'signOutFailed'};

async function start(form, flush, opener) {
  await flush(); // the draft of the form on this page, typed in the last moments
  let waiting = await data.waitingFor(userId);
  let online = navigator.onLine;
  let note = '';
  if (online && !data.countOf(waiting)) {
    const outcome = await finish(form, data.fingerprint(waiting), true);
    if (outcome === 'done') return;
    note = t(NOTES[outcome]);
    online = outcome !== 'unreachable';
    waiting = await data.waitingFor(userId);
  }
  const ui = dialog.open(opener);
  // The network coming or going while the dialog is open changes what it can offer.
  const network = () => ui.interrupt('network');
  addEventListener('online', network);
  addEventListener('offline', network);
  for (;;) {
    online = online && navigator.onLine;
    ui.render({counts: data.countsOf(waiting), online, note});
    const choice = await ui.choice();
    if (choice === 'network') {
      online = navigator.onLine;
      note = '';
      waiting = await data.waitingFor(userId);
      continue;
    }
    if (choice === 'cancel') {
      removeEventListener('online', network);
      removeEventListener('offline', network);
      ui.close();
      return;
    }
    let seen = data.fingerprint(waiting);
    if (choice === 'send') {
      ui.busy(true, t('syncing'));
      await sendAll();
      waiting = await data.waitingFor(userId);
      if (data.countOf(waiting)) {
        note = t('signOutNotSent', {n: data.countOf(waiting)});
        ui.busy(false);
        continue;
      }
      seen = data.fingerprint(waiting);
    } else if (choice === 'export') {
      const file = await exportData(userId); // the entries, the drafts and the photos not yet sent
      seen = data.fingerprint(file); // exactly what the file holds
      download(file);
      ui.busy(true, t('signOutExported', {n: file.entries.length + file.drafts.length}));
    }
    ui.busy(true, t('signingOut'));
    const outcome = await finish(form, seen, online);
    if (outcome === 'done') return;
    note = t(NOTES[outcome]);
    online = outcome !== 'unreachable';
    waiting = await data.waitingFor(userId);
    ui.busy(false);
  }
}

export function setUp(form, {flush}) {
  if (!form || !userId) return;
  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    try {
      await start(form, flush, form.querySelector('button'));
    } finally {
      busy = false;
    }
  });
}

/* At every page load and when the network returns: finish what a sign-out without network
 * left to do. Resolves 'none' (go on), 'left' (this page's person signed out: going to the
 * sign-in page) or 'blocked' (this page's person signed out but the server is out of reach:
 * the page must not run as theirs). */
export async function finishPending() {
  let pending = null;
  try {
    // Tokens left to revoke are revoked behind the page: on a link that never answers, awaiting
    // them held every page's view for the request's 30 s timeout.
    if (navigator.onLine) data.revokeQueued().catch(() => {});
    pending = await getMeta('sign_out_pending');
    if (!pending) return 'none';
    return await endPendingSession(pending);
  } catch (error) {
    console.warn('dicoso: pending sign-out', error);
    // the page does not run as the person who signed out
    return pending && pending.user_id === userId ? 'blocked' : 'none';
  }
}

async function endPendingSession(pending) {
  const mine = pending.user_id === userId;
  if (mine) await forgetPages(); // this page came from the server: the worker may have kept it
  if (!navigator.onLine) return mine ? 'blocked' : 'none';
  try {
    const fresh = await sync.freshSession();
    if (fresh && fresh.userId === pending.user_id) {
      const body = new FormData();
      body.set('csrf_token', fresh.csrf);
      if (!(await postSignOut('/auth/sign-out', body))) return mine ? 'blocked' : 'none';
    }
  } catch (error) {
    return mine ? 'blocked' : 'none';
  }
  // Signed out at the server (or another person's session is the one on this phone now).
  await del('meta', 'sign_out_pending');
  if (!mine) return 'none';
  leave(true);
  return 'left';
}
