/* Sending the photos to the server, in one place for the page and the service worker: one at a
 * time, in 64 KiB chunks, resumably (docs/api.md, "Photos"). Declare the photo (POST, idempotent by
 * its id), then PATCH chunk after chunk with Upload-Offset. After a cut, the next attempt first asks
 * the server where it stands (GET) and goes on from there, so a dropped connection on GPRS costs at
 * most one chunk, never the whole photo.
 *
 * Loaded twice on purpose, like push-rule.js: pwa/js/photo-upload.js imports it as an ES module
 * (the page's sync), pwa/sw.js loads it with importScripts (Background Sync with no page open). So
 * it has no import/export: it publishes self.DicosoPhotoUpload, and each caller hands it its own
 * way to reach the server and the `photos` store:
 *   request(path, {method, token, body, raw, headers, timeout}) -> {body}; throws `isApiError` errors
 *     ({status, code, message, fields, details}) for an answer, anything else for no answer;
 *   photos.all() -> every photo record; photos.change(id, fn) -> fn(record) replaces it (null: gone);
 *   hasVisit(id) -> whether the server has acknowledged that visit (it is in the `visits` store).
 */
(function publish(scope) {
  'use strict';

  const CHUNK = 65536;
  // 64 KiB at 20 kbit/s is 26 s on the wire: the JSON calls' 30 s would cut healthy uploads.
  const CHUNK_TIMEOUT_MS = 120000;
  // The server moved the offset under us this many times in a row: stop and let the next sync retry.
  const MAX_MISMATCHES = 3;

  const path = (id) => `/api/v1/photos/${encodeURIComponent(id)}`;

  // The server has every byte: drop the JPEG, keep the thumbnail and what the list shows.
  const done = (photo) => ({...photo, state: 'done', blob: null, offset: photo.size, error: null});

  // The server's offset in an offset_mismatch answer (in the error object or its details).
  function serverOffset(error) {
    const details = error.details || {};
    const found = [details.offset, details.details?.offset, details.fields?.offset].find(Number.isInteger);
    return found ?? null;
  }

  // A refusal the cadre must see (kept on the photo), as opposed to a problem worth retrying.
  function refusal(error, isApiError) {
    if (!isApiError(error)) return null;
    if (error.status === 409 && error.code === 'locked') return 'locked';
    if ([404, 409, 413, 415, 422].includes(error.status)) return 'refused';
    return null;
  }

  function uploader({request, isApiError, photos, hasVisit}) {
    const declare = (token, photo) => request(`/api/v1/visits/${encodeURIComponent(photo.visit_id)}/photos`, {
      method: 'POST', token,
      body: {id: photo.id, sha256: photo.sha256, size: photo.size, content_type: photo.content_type,
        taken_at: photo.taken_at, caption: photo.caption || ''},
    });
    const where = (token, id) => request(path(id), {token});
    const send = (token, id, offset, chunk) => request(path(id), {
      method: 'PATCH', token, raw: chunk, timeout: CHUNK_TIMEOUT_MS,
      headers: {'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream'},
    });

    // Where the server stands with this photo: declared (first time, or it forgot it), else asked.
    async function start(token, photo) {
      if (photo.declared) {
        try {
          return (await where(token, photo.id)).body;
        } catch (error) {
          if (!(isApiError(error) && error.status === 404)) throw error;
          // the server does not know it (discarded after a refusal): declare it again
        }
      }
      const {body} = await declare(token, photo);
      await photos.change(photo.id, (p) => ({...p, declared: true}));
      return body;
    }

    // Send one photo to the end. Throws on a network problem (the sync retries later).
    async function upload(token, photo, progress) {
      let state = await start(token, photo);
      let offset = state.offset ?? 0;
      let mismatches = 0;
      while (!state.complete) {
        const chunk = photo.blob.slice(offset, offset + CHUNK);
        try {
          state = (await send(token, photo.id, offset, chunk)).body;
          mismatches = 0;
        } catch (error) {
          if (!(isApiError(error) && error.code === 'offset_mismatch') || ++mismatches > MAX_MISMATCHES) {
            throw error;
          }
          state = {offset: serverOffset(error) ?? (await where(token, photo.id)).body.offset, complete: false};
        }
        offset = state.offset;
        await photos.change(photo.id, (p) => ({...p, offset}));
        await progress();
      }
      await photos.change(photo.id, done);
    }

    async function remove(token, photo) {
      try {
        await request(path(photo.id), {method: 'DELETE', token});
      } catch (error) {
        const state = refusal(error, isApiError);
        if (isApiError(error) && error.status === 404) {
          // already gone on the server
        } else if (state) {
          await photos.change(photo.id, (p) => ({...p, state, error: {code: error.code, message: error.message}}));
          return;
        } else {
          throw error;
        }
      }
      await photos.change(photo.id, () => null);
    }

    // The next thing owed by this person: a DELETE first, then the oldest photo whose visit the
    // server has.
    async function next(userId) {
      const mine = (await photos.all()).filter((p) => p.user_id === userId)
        .sort((a, b) => a.added_at.localeCompare(b.added_at));
      const deleting = mine.find((p) => p.state === 'deleting');
      if (deleting) return deleting;
      for (const photo of mine.filter((p) => p.state === 'waiting')) {
        if (await hasVisit(photo.visit_id)) return photo; // acknowledged by a push (or pulled)
      }
      return null;
    }

    /* Send every photo owed, one at a time. `between()` runs after each photo (the page pushes
     * visits saved meanwhile, so a long upload does not hold them back); `progress()` after each
     * chunk. */
    return async function uploadAll(token, userId, {between = async () => {}, progress = async () => {}} = {}) {
      for (;;) {
        const photo = await next(userId);
        if (!photo) return;
        if (photo.state === 'deleting') {
          await remove(token, photo);
        } else if (!photo.blob) {
          await photos.change(photo.id, (p) => ({...p, state: 'refused', error: {code: 'missing', message: ''}}));
        } else {
          try {
            await upload(token, photo, progress);
          } catch (error) {
            const state = refusal(error, isApiError);
            if (!state) throw error;
            if (error.code === 'checksum_mismatch' && !photo.resent) {
              // damaged on the way (the server threw the bytes away): send it once more from the start
              await photos.change(photo.id, (p) => ({...p, resent: true, offset: 0}));
              continue;
            }
            await photos.change(photo.id, (p) => ({...p, state,
              error: {code: error.code, message: error.message, fields: error.fields}}));
          }
        }
        await progress();
        await between();
      }
    };
  }

  scope.DicosoPhotoUpload = Object.freeze({CHUNK, done, uploader});
}(self));
