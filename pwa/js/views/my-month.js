// "Tháng của tôi": the cadre's month drawn from this device's data (visits as the device knows
// them, the account waiting or last synced, the directions), for any month of this year and last,
// offline or online, and redrawn after every sync. The figures are the hearing's
// (server/hearings/figures.py): days by the regime's rule (regime.js), counting approved and
// submitted visits, plus visits not sent yet, which the note beside the days says.
import {el} from '../dom.js';
import {onDevice} from '../accounts.js';
import {getMeta} from '../db.js';
import {STATE_LABEL, unitNames, visitRows} from '../device-visits.js';
import * as directions from '../directions.js';
import {dmy, t} from '../i18n.js';
import {firstDay, isMonth, lastDay, shift, shown, thisMonth} from '../months.js';
import {COUNTED, countDays} from '../regime.js';
import * as sync from '../sync.js';

const UNSENT = new Set(['waiting', 'invalid', 'conflict', 'locked']);
let month;

// The section's heading stays; what follows it is redrawn.
function refill(id, ...children) {
  const section = document.getElementById(id);
  if (!section) return;
  const heading = section.querySelector('h2');
  section.replaceChildren(...(heading ? [heading] : []), ...children);
}

const tally = (items) => items.reduce((map, key) => map.set(key, (map.get(key) || 0) + 1), new Map());
const listed = (map, name) => [...map].map(([key, n]) => `${name(key)}: ${n}`).join('; ') || '—';

function figure(label, key, text) {
  const value = el('dd', {textContent: text});
  value.dataset.figure = key;
  return el('div', {}, el('dt', {textContent: label}), value);
}

function drawFigures(rows, names, boot) {
  const first = firstDay(month);
  const last = lastDay(month);
  const counted = rows.filter((r) => COUNTED.has(r.state) || UNSENT.has(r.state)).map((r) => r.visit);
  const sent = rows.filter((r) => COUNTED.has(r.state)).map((r) => r.visit);
  const days = countDays(counted, first, last);
  const unsentDays = days - countDays(sent, first, last);
  const forms = new Map((boot?.forms || []).map((f) => [f.code, f.label]));
  const topics = new Map((boot?.topics || []).map((x) => [x.id, x.name]));
  const daysText = unsentDays ? `${days} ${t('unsentDays', {n: unsentDays})}` : String(days);
  const list = el('dl', {className: 'figures'},
    figure(t('monthDays'), 'days', daysText),
    figure(t('monthVisits'), 'visits', String(counted.length)),
    figure(t('monthForms'), 'forms', listed(tally(counted.map((v) => v.form)), (c) => forms.get(c) || c)),
    figure(t('monthUnits'), 'units', listed(tally(counted.map((v) => v.unit_id)), (id) => names.get(id) || id)),
    figure(t('monthTopics'), 'topics', listed(tally(counted.flatMap((v) => v.topics || [])), (id) => topics.get(id) || id)),
    figure(t('monthReview'), 'review', listed(tally(rows.map((r) => r.state)), (s) => t(STATE_LABEL[s] || s))));
  list.dataset.unsentDays = String(unsentDays);
  refill('month-figures', list, el('p', {className: 'muted', textContent: t('monthCounting')}));
}

async function drawAccount() {
  const {account, entry} = await onDevice(sync.userId, month);
  const link = el('p', {className: 'no-print'},
    el('a', {href: `/hearings/account?month=${month}`, textContent: t('writeAccount')}));
  if (!account) {
    const none = el('p', {className: 'muted', textContent: t('noAccount')});
    none.dataset.account = 'none';
    refill('month-account', none, link);
    return;
  }
  const block = el('dl', {className: 'account'});
  block.dataset.account = String(account.id);
  for (const [name, label] of [['went_well', 'wentWell'], ['difficulties', 'difficulties'], ['proposals', 'proposals']]) {
    const value = el('dd', {textContent: account[name] || '—'});
    value.dataset.accountField = name;
    block.append(el('dt', {textContent: t(label)}), value);
  }
  const parts = [block];
  if (entry) parts.push(el('p', {className: 'muted', textContent: t('accountWaiting')}));
  refill('month-account', ...parts, link);
}

function drawVisits(rows, names, boot) {
  const forms = new Map((boot?.forms || []).map((f) => [f.code, f.label]));
  if (!rows.length) { refill('month-visits', el('p', {className: 'muted', textContent: t('noVisitThisMonth')})); return; }
  const items = [...rows].sort((a, b) => a.visit.start_date.localeCompare(b.visit.start_date)).map(({visit, state}) => {
    const dates = visit.end_date !== visit.start_date ? `${dmy(visit.start_date)} – ${dmy(visit.end_date)}` : dmy(visit.start_date);
    const li = el('li', {}, el('span', {textContent: dates}), ' ',
      el('strong', {textContent: names.get(visit.unit_id) || t('unknownUnit', {id: visit.unit_id})}), ' ',
      el('span', {className: 'muted', textContent: forms.get(visit.form) || visit.form || ''}), ' ',
      el('span', {className: `badge badge-${state}`, textContent: t(STATE_LABEL[state] || state)}));
    if (visit.findings) li.append(el('span', {className: 'reason', textContent: `${t('findings')} ${visit.findings}`}));
    if (visit.recommendations) li.append(el('span', {className: 'reason', textContent: `${t('recommendations')} ${visit.recommendations}`}));
    li.dataset.visit = visit.id;
    li.dataset.state = state;
    return li;
  });
  refill('month-visits', el('ul', {className: 'list'}, ...items));
}

async function drawDirections() {
  const list = await directions.all();
  if (!list.length) return; // never synced: the server's list stays
  refill('month-directions', el('ul', {className: 'list'}, ...list.map(directions.item)));
}

function drawHeading(boot) {
  const title = t('monthOf', {name: boot?.user?.full_name || '', month: shown(month)});
  document.getElementById('month-title').textContent = title;
  document.title = `${title} · dicoso`;
  const before = shift(month, -1);
  const after = shift(month, 1);
  const nav = [el('a', {href: `/hearings/my-month?month=${before}`, rel: 'prev', textContent: `← ${before}`})];
  if (after <= thisMonth()) nav.push(' · ', el('a', {href: `/hearings/my-month?month=${after}`, rel: 'next', textContent: `${after} →`}));
  document.getElementById('month-nav').replaceChildren(...nav);
}

async function render() {
  const boot = await sync.bootstrapData();
  // until this device has pulled the server's visits once, the server's page stays
  if (!boot || (await getMeta(`cursor:${sync.userId}`)) == null) return;
  drawHeading(boot);
  const first = firstDay(month);
  const last = lastDay(month);
  const rows = (await visitRows(sync.userId))
    .filter(({visit}) => visit.start_date <= last && (visit.end_date || visit.start_date) >= first);
  const names = await unitNames();
  drawFigures(rows, names, boot);
  drawVisits(rows, names, boot);
  await drawAccount();
  await drawDirections();
  document.getElementById('month-figures').dataset.phone = 'true';
}

export async function init() {
  if (!sync.userId || !document.getElementById('month-figures')) return;
  const asked = new URLSearchParams(location.search).get('month');
  month = isMonth(asked) && asked <= thisMonth() ? asked : thisMonth();
  const draw = () => render().catch((error) => console.warn('dicoso: the month could not be drawn', error));
  await draw();
  sync.onStatus(draw);
}
