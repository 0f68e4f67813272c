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

async function render() {
  const shown = await directions.all();
  list.replaceChildren(...shown.flatMap((direction) => {
    const li = directions.item(direction);
    if (direction.state !== 'open') return [li];
    const form = document.createElement('form');
    form.className = 'done-form';
    const id = `done-note-${direction.id}`;
    const label = Object.assign(document.createElement('label'), {htmlFor: id, textContent: t('doneNote')});
    const note = Object.assign(document.createElement('textarea'), {id, name: 'note', rows: 2, maxLength: 5000});
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
