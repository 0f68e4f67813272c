// The page's entry point: service worker and updates, the status bar, sync triggers, the page view.
import {dmyTime, t} from './i18n.js';
import * as signOut from './sign-out.js';
import * as sync from './sync.js';

const beforeUpdate = new Set();
// Views register what must be saved before a new version reloads the page (half-filled forms).
export const onBeforeUpdate = (fn) => beforeUpdate.add(fn);

// The status chip: the network and what waits on this device, in words and in colour; the last
// sync and a failure next to it (on a phone, when the chip is tapped).
function renderStatus(s) {
  const bar = document.getElementById('status-bar');
  if (!bar) return;
  bar.hidden = false;
  const failed = s.phase === 'failed' && s.online;
  const net = bar.querySelector('[data-net]');
  net.textContent = !s.online ? t('offline') : failed ? t('syncFailedShort') : t('online');
  net.dataset.net = s.online ? 'online' : 'offline';
  const waiting = bar.querySelector('[data-waiting]');
  // The chip counts visits and photos together (one line on a phone); the details say which.
  const photos = s.photosWaiting || 0;
  waiting.textContent = t('waitingShort', {n: s.waiting + photos});
  waiting.dataset.waiting = String(s.waiting);
  waiting.dataset.photosWaiting = String(photos);
  const photosNote = photos ? t('photosWaiting', {n: photos}) : '';
  bar.querySelector('[data-photos-note]').textContent = photosNote ? `${photosNote}.` : '';
  const chip = bar.querySelector('[data-chip]');
  chip.dataset.state = !s.online ? 'offline' : failed ? 'failed' : (s.waiting || photos) ? 'waiting' : 'sent';
  // no template literal inside another's ${…}: the minifier (rjsmin) cannot read them
  chip.setAttribute('aria-label', `${net.textContent}, ${t('waiting', {n: s.waiting})}${photosNote ? ', ' + photosNote : ''}`);
  bar.querySelector('[data-last-sync]').textContent =
    s.lastSync ? t('lastSync', {time: dmyTime(s.lastSync)}) : t('neverSynced');
  const button = bar.querySelector('[data-sync-now]');
  const label = s.phase === 'syncing' ? t('syncing') : t('syncNow');
  button.querySelector('[data-label]').textContent = label;
  button.title = label;
  button.disabled = s.phase === 'syncing' || !s.online;
  button.dataset.phase = s.phase;
  const note = bar.querySelector('[data-sync-note]');
  const auth = document.getElementById('auth-banner');
  auth.hidden = !s.authNeeded;
  note.textContent = failed ? t('syncFailed') : '';
}

function setUpStatusBar() {
  const bar = document.getElementById('status-bar');
  if (!bar || !sync.userId) return;
  bar.querySelector('[data-sync-now]').addEventListener('click', () => sync.syncNow());
  const chip = bar.querySelector('[data-chip]');
  chip.addEventListener('click', () => {
    const open = chip.getAttribute('aria-expanded') !== 'true';
    chip.setAttribute('aria-expanded', String(open));
    bar.classList.toggle('expanded', open);
  });
  const auth = document.getElementById('auth-banner');
  auth.querySelector('[data-text]').textContent = t('signInAgain');
  const link = auth.querySelector('a');
  link.textContent = t('signInLink');
  link.href = `/auth/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`;
  sync.onStatus(renderStatus);
  addEventListener('online', () => sync.changed(true));
  addEventListener('offline', () => sync.changed(true));
}

// The phone's "More" sheet closes when the person taps elsewhere or presses Escape.
function setUpMenu() {
  const more = document.querySelector('.tabbar details.more');
  if (!more) return;
  document.addEventListener('click', (event) => {
    if (more.open && !more.contains(event.target) && !event.target.closest('form[data-sign-out]')) more.open = false;
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && more.open) {
      more.open = false;
      more.querySelector('summary').focus();
    }
  });
}

function showUpdateBanner(worker) {
  const banner = document.getElementById('update-banner');
  if (!banner) return;
  banner.querySelector('[data-text]').textContent = t('updateReady');
  const button = banner.querySelector('button');
  button.textContent = t('updateApply');
  banner.hidden = false;
  button.onclick = async () => {
    button.disabled = true;
    // Save half-filled input first: an update must never lose what the cadre typed.
    for (const fn of beforeUpdate) await fn();
    updating = true;
    worker.postMessage({type: 'skip-waiting'});
  };
}

let updating = false;

async function registerWorker(warm) {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (updating) location.reload(); // the first install's claim must not reload the page
  });
  const registration = await navigator.serviceWorker.register('/sw.js', {scope: '/'});
  const watch = (worker) => worker.addEventListener('statechange', () => {
    if (worker.state === 'installed' && navigator.serviceWorker.controller) showUpdateBanner(worker);
  });
  if (registration.waiting && navigator.serviceWorker.controller) showUpdateBanner(registration.waiting);
  if (registration.installing) watch(registration.installing);
  registration.addEventListener('updatefound', () => watch(registration.installing));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && navigator.onLine) registration.update().catch(() => {});
  });
  if (warm && sync.userId) {
    await navigator.serviceWorker.ready;
    // cache the offline pages for this person in this language (another's are thrown away)
    (registration.active || navigator.serviceWorker.controller)
      ?.postMessage({type: 'warm', owner: document.body.dataset.owner});
  }
}

// Save what views keep of half-typed input (drafts): before an update, before signing out.
async function flushDrafts() {
  for (const fn of beforeUpdate) await fn();
}

// A redirect after a form post adds ?fresh=1 so that the worker asks the server for this page
// (server/pwa_shell/views.py); once here, drop it, so that a reload opens from the cache again.
// A fresh page also means a web session that works: whatever an earlier sync said, this device
// does not need the person to sign in again (the next sync gets a token from this session).
async function dropFreshMarker() {
  const url = new URL(location.href);
  if (!url.searchParams.has('fresh')) return;
  if (sync.userId) await sync.sessionWorks();
  url.searchParams.delete('fresh');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
}

async function main() {
  await dropFreshMarker();
  setUpMenu();
  // A sign-out made with no network is finished first: until the server has ended that
  // person's session, no page runs as theirs (no sync, no cached pages, no view).
  const pending = await signOut.finishPending().catch((error) => {
    console.warn('dicoso: pending sign-out', error);
    return 'none';
  });
  if (pending === 'left') return;
  const blocked = pending === 'blocked';
  registerWorker(!blocked).catch((error) => console.warn('dicoso: service worker', error));
  if (blocked) {
    const note = document.getElementById('sign-out-message');
    if (note) {
      note.textContent = t('signOutPendingBanner');
      note.hidden = false;
    }
    addEventListener('online', () => signOut.finishPending());
    return;
  }
  signOut.setUp(document.querySelector('form[data-sign-out]'), {flush: flushDrafts});
  setUpStatusBar();
  addEventListener('online', () => signOut.finishPending());
  const view = document.body.dataset.view;
  if (view) {
    const module = await import(`./views/${view}.js`);
    await module.init({onBeforeUpdate});
  }
  sync.start();
}

main();
