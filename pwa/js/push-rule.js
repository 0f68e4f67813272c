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

  /* Apply the server's per-item answers to what was sent, inside the caller's readwrite
   * transaction on {outbox, visits}. An entry is deleted only when the server acknowledged the
   * very copy that was sent (same `rev`): a save made while the push was in flight stays and is
   * sent next, on top of the version the server just gave. */
  async function applyResults({outbox, visits}, sent, results) {
    for (const result of results) {
      const before = sent.find((e) => e.id === result.id);
      if (!before) continue;
      const now = await promised(outbox.get(result.id));
      if (ACKNOWLEDGED.includes(result.status)) {
        const copy = await promised(visits.get(result.id));
        visits.put({
          ...(copy || {}), ...before.visit, user_id: before.user_id, version: result.version,
          status: 'submitted', review_comment: null,
        });
        if (now && now.rev === before.rev) {
          outbox.delete(result.id);
        } else if (now) {
          // edited again while this copy was on its way: send the new edit on top of it
          outbox.put({...now, visit: {...now.visit, base_version: result.version}});
        }
      } else if (KEPT.includes(result.status) && now && now.rev === before.rev) {
        outbox.put({...now, state: result.status, errors: result.errors || null, server: result.server || null});
      }
    }
  }

  scope.DicosoPushRule = Object.freeze({BATCH, ACKNOWLEDGED, KEPT, nextBatch, applyResults});
}(self));
