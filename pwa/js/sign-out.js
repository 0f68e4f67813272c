// Signing out of a phone that others may use next. Nothing unsent is lost: with entries or
// drafts waiting, the dialog (sign-out-dialog.js) offers to send them first or to take the
// export file, and says what will happen. Then the device's token is revoked, the web session
// ends, and the person's data leaves the device (device-data.js) with the pages cache.
//
// With no network the server cannot be told. The cadre may still sign out: their data leaves
// the phone at once, and the first page opened online afterwards revokes the token and ends the
// web session (`revoke`, `sign_out_pending` in meta) before anything else runs. docs/pwa.md says why.
//
// What every page needs is here: finishing a sign-out made offline, leaving when another tab
// signs out. The flow itself (sign-out-flow.js, the dialog, the export file) loads only when the
// sign-out button is pressed, from the worker's precache when offline: pages load it no more.
import * as api from './api.js';
import {del, getMeta} from './db.js';
import * as data from './device-data.js';
import * as drafts from './drafts.js';
import {t} from './i18n.js';
import * as sync from './sync.js';

const PAGES = 'dicoso-pages';
const SESSION_TIMEOUT_MS = 15000;
const SIGN_IN = '/auth/sign-in';
export const userId = sync.userId;
// Other tabs of this person leave as soon as one of them has signed out.
export const channel = 'BroadcastChannel' in self ? new BroadcastChannel('dicoso-session') : null;

// `signedOut`: this tab is where the person signed out, and the sign-in page says so (the other
// tabs open it plain: server/auth/views.py sign_out).
export function leave(signedOut = false) {
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
export async function postSignOut(action, body) {
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

export async function forgetPages() {
  // the worker first, so that a page it is still writing does not bring the cache back
  navigator.serviceWorker?.controller?.postMessage({type: 'signed-out'});
  if ('caches' in self) await caches.delete(PAGES);
}

// The sign-out button loads the flow (from the moment a finger or the mouse touches it) and
// starts it. Should the flow not load (no network and no worker to answer from its precache yet),
// the person stays signed in and is told so.
export function setUp(form, {flush}) {
  if (!form || !userId) return;
  let loading = null;
  const load = () => (loading ??= import('./sign-out-flow.js').catch((error) => {
    loading = null; // try again at the next press
    throw error;
  }));
  form.addEventListener('pointerdown', () => load().catch(() => {}));
  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    try {
      let flow;
      try {
        flow = await load();
      } catch (error) {
        console.warn('dicoso: sign-out', error);
        const note = document.getElementById('sign-out-message');
        note.textContent = t('signOutUnreachable');
        note.hidden = false;
        return;
      }
      await flow.start(form, flush, form.querySelector('button'));
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
