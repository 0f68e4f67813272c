// Home's lists of the cadre's own visits, from the device's data: the visits returned to fix (a
// fixed one leaves the list as soon as it is saved, sent or not) and the year's visits by state.
import {el} from '../dom.js';
import {getMeta} from '../db.js';
import {STATE_LABEL, unitNames, visitRows} from '../device-visits.js';
import {dmy, t} from '../i18n.js';
import * as sync from '../sync.js';

const RECENT = 10;

function drawReturned(section, rows, units) {
  const returned = rows.filter((r) => r.state === 'returned')
    .sort((a, b) => (a.visit.start_date < b.visit.start_date ? -1 : 1));
  section.querySelector('ul').replaceChildren(...returned.map(({visit}) => {
    const item = el('li', {},
      el('span', {textContent: dmy(visit.start_date)}), ' ',
      el('strong', {textContent: units.get(visit.unit_id) || t('unknownUnit', {id: visit.unit_id})}), ' ',
      el('span', {className: 'reason', textContent: t('comment', {text: visit.review_comment || ''})}), ' ',
      el('a', {href: `/visits/new?edit=${visit.id}`, textContent: t('edit')}));
    item.dataset.id = visit.id;
    return item;
  }));
  section.hidden = !returned.length;
}

function drawCounts(line, rows, year) {
  const mine = rows.filter((r) => (r.visit.start_date || '').startsWith(`${year}-`));
  const count = (states) => mine.filter((r) => states.includes(r.state)).length;
  const counts = {unsent: count(['waiting', 'invalid', 'conflict', 'locked']), submitted: count(['submitted']),
    approved: count(['approved']), returned: count(['returned'])};
  line.textContent = t('yearVisits', {n: mine.length, ...counts});
  Object.entries(counts).forEach(([name, n]) => { line.dataset[name] = String(n); });
  line.dataset.phone = 'true';  // drawn from the device: what tests (and curious readers) wait for
}

function drawRecent(section, rows, units) {
  const recent = [...rows].sort((a, b) => (a.visit.start_date < b.visit.start_date ? 1 : -1)).slice(0, RECENT);
  section.querySelector('ul').replaceChildren(...recent.map(({visit, state}) => {
    const dates = visit.end_date && visit.end_date !== visit.start_date
      ? `${dmy(visit.start_date)} – ${dmy(visit.end_date)}` : dmy(visit.start_date);
    const item = el('li', {}, el('span', {textContent: dates}), ' ',
      el('strong', {textContent: units.get(visit.unit_id) || t('unknownUnit', {id: visit.unit_id})}), ' ',
      el('span', {className: `badge badge-${state}`, textContent: t(STATE_LABEL[state] || state)}));
    item.dataset.id = visit.id;
    item.dataset.state = state;
    return item;
  }));
  section.hidden = !recent.length;
}

export async function render() {
  const rows = await visitRows(sync.userId);
  // Until this device has pulled the server's visits once, the server's lists stay.
  if (!rows.length && (await getMeta(`cursor:${sync.userId}`)) == null) return;
  const units = await unitNames();
  const section = document.getElementById('returned-visits');
  if (section) drawReturned(section, rows, units);
  const recent = document.getElementById('recent-visits');
  if (recent) drawRecent(recent, rows, units);
  const line = document.getElementById('year-visits');
  if (line) drawCounts(line, rows, line.dataset.year);
}

export async function init() {
  if (!sync.userId) return;
  const draw = () => render().catch(() => {});
  await draw();
  sync.onStatus(draw);
}
