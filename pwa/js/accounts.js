// The cadre's account of a month as this device knows it: the copy waiting in the outbox, else
// the server's last (kept by sync.js from bootstrap and acknowledged pushes), else none.
import {getMeta} from './db.js';
import * as outbox from './outbox.js';

export async function onDevice(userId, month) {
  const waiting = (await outbox.entries(userId)).find((e) => e.kind === 'account' && e.item.month === month);
  if (waiting) return {account: waiting.item, entry: waiting};
  return {account: (await getMeta(`account:${userId}:${month}`)) || null, entry: null};
}
