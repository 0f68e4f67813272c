// Home: the cadre's open directions from the device's copy (shown offline too).
import * as directions from '../directions.js';
import * as sync from '../sync.js';
import * as homePlacement from './home-placement.js';
import * as homeVisits from './home-visits.js';
import * as yearCard from './year-card.js';

async function render(section) {
  const open = await directions.open();
  const list = section.querySelector('ul');
  list.replaceChildren(...open.map(directions.item));
  section.hidden = !open.length;
  section.dataset.ready = 'true';
}

export async function init() {
  yearCard.init();
  homeVisits.init();
  homePlacement.init();
  const section = document.getElementById('home-directions');
  if (!section || !sync.userId) return;
  await render(section);
  sync.onStatus(() => render(section));
}
