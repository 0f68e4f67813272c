// Sending the photos to the server from the page: the shared upload rule (photo-upload-rule.js,
// also run by the service worker's Background Sync) wired to the page's API client and stores.
// Run by sync.js inside its cross-tab lock, after the push (a photo goes only once the server has
// its visit).
import {ApiError, request} from './api.js';
import {get, getAll} from './db.js';
import {change} from './photo-store.js';
import './photo-upload-rule.js';

const rule = self.DicosoPhotoUpload;
export const {CHUNK} = rule;

export const uploadAll = rule.uploader({
  request,
  isApiError: (error) => error instanceof ApiError,
  photos: {all: () => getAll('photos'), change},
  hasVisit: async (id) => Boolean(await get('visits', id)),
});
