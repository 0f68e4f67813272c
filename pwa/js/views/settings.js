// Settings: the storage state (photos too), and the export / import escape hatch for waiting entries.
import {download, exportData, importData} from '../export-file.js';
import {t} from '../i18n.js';
import * as photos from '../photo-store.js';
import * as sync from '../sync.js';

const size = (bytes) => (bytes > 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`);

async function showStorage() {
  const state = document.getElementById('storage-state');
  const usage = document.getElementById('storage-usage');
  const persisted = await navigator.storage?.persisted?.();
  state.textContent = persisted ? t('storagePersisted') : t('storageNotPersisted');
  state.dataset.persisted = String(Boolean(persisted));
  const estimate = await navigator.storage?.estimate?.();
  if (estimate) usage.textContent = t('storageUsage', {used: size(estimate.usage || 0), quota: size(estimate.quota || 0)});
  const photoUsage = document.getElementById('photo-usage');
  if (photoUsage) {
    const used = await photos.usage(sync.userId);
    photoUsage.textContent = t('photoStorage', {count: used.count, size: size(used.bytes), owed: used.owed,
      owedSize: size(used.owedBytes)});
    photoUsage.dataset.owed = String(used.owed);
    photoUsage.dataset.count = String(used.count);
  }
}

export async function init() {
  if (!sync.userId) return;
  const note = document.getElementById('settings-message');
  sync.onStatus(() => showStorage()); // again whenever photos are sent or added (any tab)
  document.getElementById('export-button').addEventListener('click', async () => {
    const data = await exportData(sync.userId);
    download(data);
    note.textContent = data.photos.length
      ? t('exportedPhotos', {n: data.entries.length + data.drafts.length, p: data.photos.length})
      : t('exported', {n: data.entries.length + data.drafts.length});
  });
  document.getElementById('import-file').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    try {
      const result = await importData(JSON.parse(await file.text()), sync.userId);
      note.textContent = result.photos ? t('importedPhotos', result) : t('imported', result);
      await sync.changed();
      await showStorage();
      sync.syncNow();
    } catch (error) {
      note.textContent = t('importFailed');
    }
    event.target.value = '';
  });
  // the export and import buttons work from now on (a file chosen before would go unread)
  document.getElementById('settings-message').dataset.ready = 'true';
}
