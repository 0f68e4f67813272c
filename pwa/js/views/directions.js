// "My directions": the hearing's directions from the device's copy, marked done offline (the
// "done" waits in the outbox and goes with the next sync). Without JavaScript the page's own
// forms post to the server instead.
import * as directions from '../directions.js';
import {t} from '../i18n.js';
import * as outbox from '../outbox.js';
import * as sync from '../sync.js';

let list;

async function markDone(direction, note) {
  await outbox.saveItem('direction_done', {
    id: outbox.newId(), direction_id: direction.id, base_version: direction.version,
    note: note.trim(), done_at: new Date().toISOString(),
  }, sync.userId);
  await sync.changed();
  sync.requestBackgroundSync();
  sync.syncNow();
}

let drawn = null;

// Drawn again only when the directions changed (a sync runs often), and then keeping any note being
// typed: a status change must never wipe what the cadre is writing.
async function render() {
  const shown = await directions.all();
  const key = JSON.stringify(shown);
  if (key === drawn) return;
  drawn = key;
  const typed = new Map([...list.querySelectorAll('textarea')].map((area) => [area.id, area.value]));
  const focused = list.contains(document.activeElement) ? document.activeElement : null;
  const caret = focused && focused.tagName === 'TEXTAREA' ? [focused.selectionStart, focused.selectionEnd] : null;
  list.replaceChildren(...shown.flatMap((direction) => {
    const li = directions.item(direction);
    if (direction.state !== 'open') return [li];
    const form = document.createElement('form');
    form.className = 'done-form';
    const id = `done-note-${direction.id}`;
    const label = Object.assign(document.createElement('label'), {htmlFor: id, textContent: t('doneNote')});
    const note = Object.assign(document.createElement('textarea'),
      {id, name: 'note', rows: 2, maxLength: 5000, value: typed.get(id) || ''});
    const button = Object.assign(document.createElement('button'), {type: 'submit', className: 'secondary', textContent: t('markDone')});
    form.append(label, note, button);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      button.disabled = true;
      await markDone(direction, note.value);
      await render();
    });
    const holder = document.createElement('li');
    holder.append(form);
    return [li, holder];
  }));
  if (!shown.length) list.replaceChildren(Object.assign(document.createElement('li'), {className: 'muted', textContent: t('noDirections')}));
  const again = focused?.id && document.getElementById(focused.id);
  if (again) {
    again.focus();
    if (caret) again.setSelectionRange(...caret);
  }
  list.dataset.ready = 'true';
}

export async function init() {
  list = document.getElementById('directions-list');
  if (!list || !sync.userId) return;
  document.getElementById('directions-server').hidden = true;
  document.getElementById('directions-offline').hidden = false;
  await render();
  sync.onStatus(() => render());
}
