// Drafts: a half-filled form kept on the device (300 ms after typing stops, when the page is
// hidden or left, before an update reloads it), one per form (new, editing a visit, a placement day).
import {del, get, put} from './db.js';
import {t} from './i18n.js';

const DELAY_MS = 300;

export function keyFor(params) {
  if (params.get('edit')) return `edit:${params.get('edit')}`;
  if (params.get('placement')) return `placement:${params.get('placement')}:${params.get('date')}`;
  return 'new';
}

// read() gives what to keep; fill(draft) puts it back; onDiscard() drops what goes with it (photos).
export function drafts({key, userId, read, fill, onDiscard = async () => {}}) {
  let timer;
  const save = async () => {
    clearTimeout(timer);
    await put('drafts', {key, user_id: userId, ...read(), saved_at: new Date().toISOString()});
  };
  return {
    save,
    schedule() { clearTimeout(timer); timer = setTimeout(save, DELAY_MS); },
    async discard() { clearTimeout(timer); await del('drafts', key); },
    cancel() { clearTimeout(timer); },
    // Put a saved draft back and say so, with a button to throw it away.
    async restore() {
      const draft = await get('drafts', key);
      if (!draft || draft.user_id !== userId) return;
      fill(draft);
      const box = document.getElementById('draft-message');
      box.querySelector('span').textContent = t('draftRestored');
      const button = document.getElementById('discard-draft');
      button.textContent = t('discardDraft');
      button.onclick = async () => {
        await del('drafts', key);
        await onDiscard();
        location.href = location.pathname + location.search;
      };
      box.hidden = false;
    },
  };
}
