// My placement: mark the days already logged on this device but not yet on the server.
import * as outbox from '../outbox.js';
import {t} from '../i18n.js';
import * as sync from '../sync.js';

export async function init() {
  if (!sync.userId) return;
  const entries = await outbox.visitEntries(sync.userId);
  document.querySelectorAll('[data-placement]').forEach((section) => {
    const id = Number(section.dataset.placement);
    section.querySelectorAll('li[data-date]').forEach((day) => {
      const waiting = entries.find((e) => e.visit.placement_id === id && e.visit.start_date === day.dataset.date);
      const link = day.querySelector('a');
      if (waiting && link) {
        link.replaceWith(Object.assign(document.createElement('span'),
          {className: 'badge badge-waiting', textContent: t('stateWaiting')}));
      }
    });
  });
}
