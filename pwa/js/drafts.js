// Drafts: a half-filled form kept on the device (300 ms after typing stops, when the page is
// hidden or left, before an update reloads it), one per person and form (new, editing a visit,
// a placement day). Only a form the cadre touched is kept: an untouched one holds nothing of
// theirs, and counting it would make sign-out ask about "drafts" nobody wrote.
import {del, get, put} from './db.js';
import {t} from './i18n.js';

const DELAY_MS = 300;
// Set once this person's data has been removed (sign-out): a late pagehide must not write it back.
let stopped = false;
export const stopSaving = () => { stopped = true; };
export const resumeSaving = () => { stopped = false; };

export function keyFor(params) {
  if (params.get('edit')) return `edit:${params.get('edit')}`;
  if (params.get('placement')) return `placement:${params.get('placement')}:${params.get('date')}`;
  return 'new';
}

// The store's key: per person, so one cadre's draft never replaces another's on a shared phone.
export const storeKey = (userId, key) => `${userId}:${key}`;

// read() gives what to keep; fill(draft) puts it back; onDiscard() drops what goes with it (photos).
export function drafts({key, userId, read, fill, onDiscard = async () => {}}) {
  const id = storeKey(userId, key);
  let timer;
  let touched = false;
  const save = async () => {
    clearTimeout(timer);
    if (stopped || !touched) return;
    await put('drafts', {key: id, form: key, user_id: userId, ...read(), saved_at: new Date().toISOString()});
  };
  const discard = async () => { clearTimeout(timer); touched = false; await del('drafts', id); };
  return {
    save,
    schedule() { touched = true; clearTimeout(timer); timer = setTimeout(save, DELAY_MS); },
    discard,
    cancel() { clearTimeout(timer); },
    // Put a saved draft back and say so, with a button to throw it away.
    async restore() {
      let draft = await get('drafts', id);
      const legacy = draft ? null : await get('drafts', key); // saved before keys were per person
      if (legacy?.user_id === userId) draft = legacy;
      if (!draft || draft.user_id !== userId) return;
      fill(draft);
      touched = true;
      if (legacy) {
        await save();
        await del('drafts', key);
      }
      const box = document.getElementById('draft-message');
      box.querySelector('span').textContent = t('draftRestored');
      const button = document.getElementById('discard-draft');
      button.textContent = t('discardDraft');
      button.onclick = async () => {
        await discard();
        await onDiscard();
        location.href = location.pathname + location.search;
      };
      box.hidden = false;
    },
  };
}
