// The sign-out flow, loaded when the sign-out button is pressed (sign-out.js says what happens):
// with entries or drafts waiting, the dialog (sign-out-dialog.js) offers to send them first or to
// take the export file; then the token is revoked, the web session ends, the data leaves the device.
import * as api from './api.js';
import {getMeta} from './db.js';
import * as data from './device-data.js';
import * as drafts from './drafts.js';
import {download, exportData} from './export-file.js';
import {t} from './i18n.js';
import * as dialog from './sign-out-dialog.js';
import {channel, forgetPages, leave, postSignOut, userId} from './sign-out.js';
import * as sync from './sync.js';

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

export async function start(form, flush, opener) {
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
