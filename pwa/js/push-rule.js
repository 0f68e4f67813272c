/* The push-result rule, in one place for the page and the service worker.
 *
 * Loaded twice on purpose: pwa/js/outbox.js imports it as an ES module, pwa/sw.js (a classic
 * script) loads it with importScripts. So it has no import/export: it publishes itself as
 * self.DicosoPushRule, and works on raw IndexedDB stores that the caller opens.
 */
(function publish(scope) {
  'use strict';

  // Visits per push request, page and worker alike (the server takes up to 200).
  const BATCH = 50;
  // The server has the visit: the outbox entry may go. Anything else keeps the entry.
  const ACKNOWLEDGED = ['created', 'updated', 'unchanged'];
  // The server refused it for a reason the cadre must see: kept, marked with the reason.
  const KEPT = ['invalid', 'conflict', 'locked'];

  const promised = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

  // The next entries to send, from every outbox entry: this person's, waiting, in key order.
  function nextBatch(allEntries, userId) {
    return allEntries.filter((e) => e.user_id === userId && e.state === 'waiting').slice(0, BATCH);
  }

  /* The outbox holds four kinds of entries: visits (`entry.visit`), the monthly hearing's
   * monthly accounts and "direction done", and placements' closing reports (`entry.kind`,
   * `entry.item`). One push carries them all, each kind in its own array of the envelope, and each
   * comes back with its own results. */
  const ARRAYS = {visit: 'visits', account: 'accounts', direction_done: 'directions_done',
    placement_report: 'placement_reports'};
  const kindOf = (entry) => entry.kind || 'visit';
  const payloadOf = (entry) => (entry.kind ? entry.item : entry.visit);

  function body(batch, device) {
    const envelope = {device_id: device, visits: [], accounts: [], directions_done: [], placement_reports: []};
    for (const entry of batch) envelope[ARRAYS[kindOf(entry)]].push(payloadOf(entry));
    return envelope;
  }

  const allResults = (response) => (Array.isArray(response) ? response
    : [...(response.results || []), ...(response.accounts || []), ...(response.directions_done || []),
      ...(response.placement_reports || [])]);

  /* What the device keeps of an acknowledged account, "done" or closing report (in `meta`): the
   * account's and the report's copy and version for the next edit, the direction shown done until
   * the next pull confirms it. */
  async function remember(meta, entry, result) {
    if (!meta) return;
    if (entry.kind === 'account') {
      meta.put({key: `account:${entry.user_id}:${entry.item.month}`,
        value: {...entry.item, version: result.version}});
    } else if (entry.kind === 'placement_report') {
      meta.put({key: `placement_report:${entry.user_id}:${entry.item.placement_id}`,
        value: {...entry.item, version: result.version}});
    } else if (entry.kind === 'direction_done') {
      const key = `directions:${entry.user_id}`;
      const map = (await promised(meta.get(key)))?.value || {};
      const direction = map[entry.item.direction_id];
      if (direction) {
        map[entry.item.direction_id] = {...direction, state: 'done', done_note: entry.item.note,
          version: Math.max(direction.version, result.version)};
        meta.put({key, value: map});
      }
    }
  }

  /* Apply the server's per-item answers to what was sent, inside the caller's readwrite
   * transaction on {outbox, visits, meta}. An entry is deleted only when the server acknowledged
   * the very copy that was sent (same `rev`): a save made while the push was in flight stays and
   * is sent next, on top of the version the server just gave. `response` is the push answer
   * (or, as before, the visits' results array). */
  async function applyResults({outbox, visits, meta}, sent, response) {
    for (const result of allResults(response)) {
      const before = sent.find((e) => e.id === result.id);
      if (!before) continue;
      const now = await promised(outbox.get(result.id));
      const visit = kindOf(before) === 'visit';
      if (ACKNOWLEDGED.includes(result.status)) {
        if (visit) {
          const copy = await promised(visits.get(result.id));
          visits.put({
            ...(copy || {}), ...before.visit, user_id: before.user_id, version: result.version,
            status: 'submitted', review_comment: null,
          });
        } else {
          await remember(meta, before, result);
        }
        if (now && now.rev === before.rev) {
          outbox.delete(result.id);
        } else if (now && visit) {
          // edited again while this copy was on its way: send the new edit on top of it
          outbox.put({...now, visit: {...now.visit, base_version: result.version}});
        } else if (now) {
          outbox.put({...now, item: {...now.item, base_version: result.version}});
        }
      } else if (KEPT.includes(result.status) && now && now.rev === before.rev) {
        outbox.put({...now, state: result.status, errors: result.errors || null, server: result.server || null});
      }
    }
  }

  scope.DicosoPushRule = Object.freeze({BATCH, ACKNOWLEDGED, KEPT, nextBatch, applyResults, body, kindOf});
}(self));
