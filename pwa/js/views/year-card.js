// The cadre's year card (home): redrawn from the device's own data, so it includes what the phone
// has not sent yet and is current after every sync. The server's card is the first paint; the
// rules are regime.js's, the server's standing the base.
import {visitRows} from '../device-visits.js';
import {localToday} from '../form-rules.js';
import {dmy, t} from '../i18n.js';
import {standingOnPhone} from '../regime.js';
import * as sync from '../sync.js';

const decimal = (n) => n.toFixed(1).replace('.', t('decimalPoint')); // 66,7 in Vietnamese

function setText(card, name, text) {
  const node = card.querySelector(`[data-figure="${name}"]`);
  if (node) node.textContent = text;
  return node;
}

// As the server's regime/_macros.html weeks_strip draws it: the strip for the eye (aria-hidden),
// one line naming the weeks with a day for screen readers.
function drawWeeks(card, weeks) {
  const strip = card.querySelector('.weeks-strip');
  if (!strip) return;
  const active = weeks.filter((w) => w.active);
  strip.dataset.weeksActive = String(active.length);
  strip.dataset.weeksTotal = String(weeks.length);
  strip.replaceChildren(...weeks.map((w) => {
    const li = document.createElement('li');
    if (w.active) li.className = 'on';
    li.title = dmy(w.first);
    return li;
  }));
  const caption = card.querySelector('.weeks figcaption');
  if (caption) caption.textContent = t('weeksActive', {active: active.length, total: weeks.length});
  let list = card.querySelector('[data-weeks-list]');
  if (!active.length) {
    list?.remove();
    return;
  }
  if (!list) {
    list = document.createElement('p');
    list.className = 'visually-hidden';
    list.dataset.weeksList = '';
    strip.before(list);
  }
  list.textContent = t('weeksList', {dates: active.map((w) => dmy(w.first)).join(', ')});
}

function drawPace(card, s) {
  const pace = card.querySelector('[data-figure="pace"]');
  if (!pace || s.expected == null) return;
  pace.dataset.expected = s.expected.toFixed(1);
  pace.replaceChildren(t('dueBy', {date: dmy(s.on), expected: decimal(s.expected)}));
  if (s.days < s.expected) {
    const badge = document.createElement('span');
    badge.className = 'badge badge-waiting';
    badge.dataset.flag = 'behind';
    badge.textContent = t('behindPace');
    pace.append(' ', badge);
  }
}

function drawNeglected(card, charges) {
  let node = card.querySelector('[data-figure="neglected"]');
  const flagged = charges.filter((c) => c.neglected);
  if (!flagged.length) {
    node?.remove();
    return;
  }
  if (!node) {
    node = document.createElement('p');
    node.dataset.figure = 'neglected';
    card.querySelector('.how-counted')?.before(node);
  }
  node.replaceChildren(`${t('neglectedCommunes')} `, ...flagged.flatMap((c, i) => {
    const span = document.createElement('span');
    span.dataset.neglected = String(c.unit_id);
    span.textContent = `${c.unit_name} (${c.last_visit ? dmy(c.last_visit) : t('never')})`;
    return i ? [', ', span] : [span];
  }));
}

export async function render(card) {
  const server = await sync.standing();
  if (!server || String(server.year) !== card.dataset.year) return false;
  const rows = await visitRows(sync.userId);
  const copies = rows.filter((r) => !r.entry).map((r) => r.visit);
  // what a push will take counts as on its way; an entry the server refused does not count
  const waiting = rows.filter((r) => r.state === 'waiting').map((r) => r.visit);
  const s = standingOnPhone(server, copies, waiting, localToday());
  setText(card, 'days', String(s.days));
  setText(card, 'days-approved', String(s.days_approved));
  const unsent = setText(card, 'unsent', s.unsent ? t('unsentDays', {n: s.unsent}) : '');
  if (unsent) unsent.hidden = !s.unsent;
  const bar = card.querySelector('progress');
  if (bar && s.minimum) bar.value = Math.min(100, Math.floor((100 * s.days) / s.minimum));
  drawPace(card, s);
  drawWeeks(card, s.weeks);
  drawNeglected(card, s.charges);
  card.dataset.phone = 'true'; // drawn from the device's data (tests wait for it)
  return true;
}

export async function init() {
  const card = document.getElementById('year-card');
  if (!card || !sync.userId) return;
  const draw = () => render(card).catch(() => {});
  await draw();
  sync.onStatus(draw);
}
