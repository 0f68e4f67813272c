// The hearing's directions on this device: the copies pulled from the server (sync.js keeps them
// in `meta`), with the "done" still waiting in the outbox laid over them, so the phone shows what
// the cadre did even before it reaches the server.
import {dmy, t} from './i18n.js';
import * as outbox from './outbox.js';
import * as sync from './sync.js';

export async function all() {
  const [list, entries, boot] = await Promise.all([sync.directions(), outbox.entries(sync.userId), sync.bootstrapData()]);
  const pending = new Map(entries.filter((e) => e.kind === 'direction_done').map((e) => [e.item.direction_id, e]));
  // the topic's name as the latest bootstrap gives it (the reader's language now); a retired topic,
  // not in it, keeps the name its copy came with
  const topics = new Map((boot?.topics || []).map((topic) => [topic.id, topic.name]));
  return list.map((d) => {
    const named = d.topic_id != null && topics.has(d.topic_id) ? {...d, topic_name: topics.get(d.topic_id)} : d;
    const entry = pending.get(d.id);
    return entry ? {...named, state: 'done', done_note: entry.item.note, pending: entry} : named;
  }).sort((a, b) => (a.state === b.state ? 0 : a.state === 'open' ? -1 : 1)
    || a.due_date.localeCompare(b.due_date) || a.id - b.id);
}

export async function open() {
  return (await all()).filter((d) => d.state === 'open');
}

const today = () => {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
};

// One direction as a list item: its text, unit, topic, due date and state (overdue ones stand out).
export function item(direction) {
  const li = document.createElement('li');
  const overdue = direction.state === 'open' && direction.due_date < today();
  li.className = `direction direction-${direction.state}${overdue ? ' overdue' : ''}`;
  li.dataset.direction = String(direction.id);
  li.dataset.state = direction.pending ? 'pending' : direction.state;
  const text = Object.assign(document.createElement('span'), {textContent: direction.text});
  li.append(text);
  if (direction.unit_name) li.append(Object.assign(document.createElement('span'), {className: 'muted', textContent: direction.unit_name}));
  if (direction.topic_name) {
    const topic = Object.assign(document.createElement('span'), {className: 'muted', textContent: t('directionTopic', {name: direction.topic_name})});
    topic.dataset.topic = String(direction.topic_id);
    li.append(topic);
  }
  li.append(Object.assign(document.createElement('span'), {className: 'muted', textContent: t('due', {date: dmy(direction.due_date)})}));
  const badge = document.createElement('span');
  if (direction.pending) {
    badge.className = 'badge badge-waiting';
    badge.textContent = t('doneWaiting');
  } else if (direction.state === 'done') {
    badge.className = 'badge badge-approved';
    badge.textContent = t('doneState');
  } else if (overdue) {
    badge.className = 'badge badge-returned';
    badge.textContent = t('overdue');
  }
  if (badge.textContent) li.append(badge);
  if (direction.pending?.state && direction.pending.state !== 'waiting') {
    li.append(Object.assign(document.createElement('span'), {className: 'reason',
      textContent: direction.pending.state === 'conflict'
        ? t('itemConflict', {version: direction.pending.server?.version ?? '?'})
        : t('reasonInvalid', {errors: JSON.stringify(direction.pending.errors || {})})}));
  }
  if (direction.done_note) li.append(Object.assign(document.createElement('span'), {className: 'reason muted', textContent: direction.done_note}));
  return li;
}
