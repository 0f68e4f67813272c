// The cadre's visits as this device knows them: the server's copies (pull and acknowledged
// pushes) overlaid by the outbox (what waits to be sent, in its state). One list every view of
// the cadre's own visits draws from, so they all tell the same thing.
import {getAll} from './db.js';
import * as outbox from './outbox.js';
import * as sync from './sync.js';

// The label of each state in the message catalog.
export const STATE_LABEL = {
  waiting: 'stateWaiting', invalid: 'stateInvalid', conflict: 'stateConflict', locked: 'stateLocked',
  submitted: 'stateSubmitted', approved: 'stateApproved', returned: 'stateReturned',
};

// [{visit, state, entry}]: state is the outbox entry's (waiting, invalid, conflict, locked) or the
// server's review state (submitted, approved, returned); entry is the outbox entry, if any.
export async function visitRows(userId) {
  const entries = await outbox.visitEntries(userId);
  const pending = new Set(entries.map((e) => e.id));
  const copies = (await getAll('visits')).filter((v) => v.user_id === userId && !pending.has(v.id));
  return [
    ...entries.map((entry) => ({visit: entry.visit, state: entry.state, entry})),
    ...copies.map((visit) => ({visit, state: visit.status, entry: null})),
  ];
}

// Unit names by id: the units the cadre may record for, and their placements' units.
export async function unitNames() {
  const data = await sync.bootstrapData();
  const units = new Map((data?.units || []).map((u) => [u.id, u.name]));
  (data?.placements || []).forEach((p) => units.set(p.unit_id, p.unit_name));
  return units;
}
