// The regime's rules on the phone, the twin of server/regime (days, weeks, pace, the 90-day flag),
// so the figure can include visits the server has not received yet. tests/regime/cases.json holds
// the cases both implementations must agree on (tests/regime/test_cases.py runs them against the
// server's SQL, tests/browser/test_regime_phone.py against this module in Chromium).
//
// Pure functions of ISO dates ('2026-03-01'): no clock, no storage, no DOM.

const DAY_MS = 86400000;
const EPOCH = Date.UTC(1970, 0, 5); // a Monday: day numbers divide into weeks starting on Mondays
export const NOT_VISITED_DAYS = 90;
// Which review states count where the cadre looks (approved and waiting for review); returned never.
export const COUNTED = new Set(['approved', 'submitted']);

export function dayNumber(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return Math.round((Date.UTC(y, m - 1, d) - EPOCH) / DAY_MS);
}

export function isoOf(number) {
  return new Date(EPOCH + number * DAY_MS).toISOString().slice(0, 10);
}

// The day numbers covered by `visits` ({start_date, end_date}) inside first–last, each once.
function coveredDays(visits, first, last) {
  const low = dayNumber(first);
  const high = dayNumber(last);
  const days = new Set();
  for (const v of visits) {
    const s = Math.max(dayNumber(v.start_date), low);
    const e = Math.min(dayNumber(v.end_date), high);
    for (let d = s; d <= e; d += 1) days.add(d);
  }
  return days;
}

// Days at the grassroots in first–last: each day once however many visits cover it.
export function countDays(visits, first, last) {
  return coveredDays(visits, first, last).size;
}

// The weeks (Monday to Sunday) with at least one day, by the ISO date of their first day in the
// period (1 January for the year's first week), in order.
export function activeWeeks(visits, first, last) {
  const low = dayNumber(first);
  const weeks = new Set([...coveredDays(visits, first, last)].map((d) => Math.floor(d / 7)));
  return [...weeks].sort((a, b) => a - b).map((w) => isoOf(Math.max(w * 7, low)));
}

// Every week of `year` up to `on`'s, as the ISO date of its first day in the year.
export function weeksSoFar(year, on) {
  const low = dayNumber(`${year}-01-01`);
  const out = [];
  for (let w = Math.floor(low / 7); w <= Math.floor(dayNumber(on) / 7); w += 1) out.push(isoOf(Math.max(w * 7, low)));
  return out;
}

// The share of `minimum` due by `on` at an even pace, rounded half up to one decimal, as a number.
// Integer arithmetic: tenths = floor((20·minimum·gone + length) / (2·length)).
export function expectedDays(minimum, on) {
  const year = Number(on.slice(0, 4));
  const gone = dayNumber(on) - dayNumber(`${year}-01-01`) + 1;
  const length = dayNumber(`${year}-12-31`) - dayNumber(`${year}-01-01`) + 1;
  return Math.floor((20 * minimum * gone + length) / (2 * length)) / 10;
}

export function isNeglected(lastVisit, on) {
  return !lastVisit || dayNumber(on) - dayNumber(lastVisit) >= NOT_VISITED_DAYS;
}

/* The cadre's year as the phone shows it, from the server's standing (bootstrap or the last
 * pull), the device's copy of their visits (pull and acknowledged pushes: at least as new as the
 * standing) and the outbox's visits waiting to be sent. A visit is taken from the newest source
 * that has it: outbox, then the copy, then the standing. */
export function standingOnPhone(server, copies, waiting, today) {
  const year = server.year;
  const first = `${year}-01-01`;
  const on = today < `${year}-12-31` ? today : `${year}-12-31`;
  const byId = new Map();
  for (const v of server.visits) byId.set(v.id, {...v, status: v.approved ? 'approved' : 'submitted'});
  for (const v of copies) byId.set(v.id, v);
  for (const v of waiting) byId.set(v.id, {...v, status: 'waiting'});
  const all = [...byId.values()].filter((v) => v.status === 'waiting' || COUNTED.has(v.status));
  const days = countDays(all, first, on);
  const sent = countDays(all.filter((v) => v.status !== 'waiting'), first, on);
  const weeks = weeksSoFar(year, on);
  const active = new Set(activeWeeks(all, first, on));
  const charges = server.charges.map((c) => {
    let last = c.last_visit;
    for (const v of all) {
      if (v.unit_id !== c.unit_id || v.start_date > on) continue;
      const end = v.end_date < on ? v.end_date : on;
      if (!last || end > last) last = end;
    }
    return {...c, last_visit: last, neglected: isNeglected(last, on)};
  });
  return {
    year, on, minimum: server.minimum, covered: server.covered, exemption_reason: server.exemption_reason,
    days, unsent: days - sent,
    days_approved: countDays(all.filter((v) => v.status === 'approved'), first, on),
    expected: server.minimum == null ? null : expectedDays(server.minimum, on),
    weeks: weeks.map((w) => ({first: w, active: active.has(w)})),
    charges,
  };
}
