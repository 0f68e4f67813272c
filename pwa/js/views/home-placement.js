// Home's placement card for a probationary cadre: the placement they are on today (else their
// next one), from the device's copy of the bootstrap and their visits, judged by the device's
// date: which day of the week it is, what is left, today's visit or a button to log it, the tasks
// covered so far. A day that has not come is never offered.
import {el} from '../dom.js';
import {STATE_LABEL, visitRows} from '../device-visits.js';
import {localToday} from '../form-rules.js';
import {dmy, t} from '../i18n.js';
import {dayNumber} from '../regime.js';
import * as sync from '../sync.js';

// The placement on `today` (the one that began last, then the lowest id, should two overlap), else
// the next to start, else null: server/visits/queries.py of_the_day on the phone's own date, held
// to the same written cases (tests/visits/placement_cases.json).
export function ofTheDay(placements, today) {
  const byId = (a, b) => a.id - b.id;
  const current = placements.filter((p) => p.start_date <= today && today <= p.end_date)
    .sort((a, b) => b.start_date.localeCompare(a.start_date) || byId(a, b));
  if (current.length) return current[0];
  return placements.filter((p) => p.start_date > today)
    .sort((a, b) => a.start_date.localeCompare(b.start_date) || byId(a, b))[0] || null;
}

function whenLine(placement, today) {
  const parts = [`${dmy(placement.start_date)} – ${dmy(placement.end_date)}`];
  if (today < placement.start_date) {
    parts.push(t('placementStarts', {date: dmy(placement.start_date)}));
  } else {
    const total = dayNumber(placement.end_date) - dayNumber(placement.start_date) + 1;
    parts.push(t('placementDayOf', {n: dayNumber(today) - dayNumber(placement.start_date) + 1, total}),
      t('placementLeft', {n: dayNumber(placement.end_date) - dayNumber(today)}));
  }
  const line = el('p', {textContent: parts.join(' · ')});
  line.dataset.placementWhen = '';
  return line;
}

function todayLine(placement, rows, today) {
  const line = el('p');
  line.dataset.today = today;
  const found = rows.find(({visit}) => visit.start_date <= today && today <= (visit.end_date || visit.start_date));
  if (found) {
    line.dataset.state = found.state;
    line.append(t('placementToday'), ' ',
      el('span', {className: `badge badge-${found.state}`, textContent: t(STATE_LABEL[found.state] || found.state)}));
  } else {
    line.append(el('a', {className: 'button primary', textContent: t('logToday'),
      href: `/visits/new?placement=${placement.id}&date=${today}`}));
  }
  return line;
}

function taskList(placement, rows) {
  const covered = new Set(rows.flatMap(({visit}) => visit.placement_tasks || []));
  return el('ol', {className: 'tasks'}, ...placement.tasks.map((task) => {
    const item = el('li', {textContent: task});
    item.dataset.task = task;
    if (covered.has(task)) {
      item.setAttribute('data-covered', '');
      item.append(' ', el('span', {className: 'badge badge-approved', textContent: t('taskCovered')}));
    }
    return item;
  }));
}

export async function render() {
  const section = document.getElementById('home-placement');
  const boot = await sync.bootstrapData();
  if (!section || !boot) return; // never synced: the server's card stays
  const today = localToday();
  const placement = ofTheDay(boot.placements || [], today);
  section.dataset.phone = 'true';
  if (!placement) {
    section.hidden = true;
    section.replaceChildren();
    delete section.dataset.placement;
    return;
  }
  const rows = (await visitRows(sync.userId)).filter(({visit}) => Number(visit.placement_id) === placement.id);
  const parts = [el('h2', {textContent: t('placementAt', {unit: placement.unit_name})}), whenLine(placement, today)];
  if (today >= placement.start_date) parts.push(todayLine(placement, rows, today));
  parts.push(el('h3', {textContent: t('tasks')}), taskList(placement, rows),
    el('p', {}, el('a', {href: '/visits/placement', textContent: t('wholePlacement')})));
  section.replaceChildren(...parts);
  section.dataset.placement = String(placement.id);
  section.hidden = false;
}

export async function init() {
  if (!sync.userId) return;
  const draw = () => render().catch((error) => console.warn('dicoso: the placement could not be drawn', error));
  await draw();
  sync.onStatus(draw);
}
