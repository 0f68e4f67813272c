// Settings: the storage state, and the export / import escape hatch for waiting entries.
import {download} from '../export-file.js';
import {t} from '../i18n.js';
import * as outbox from '../outbox.js';
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
}

export async function init() {
  if (!sync.userId) return;
  const note = document.getElementById('settings-message');
  await showStorage();
  document.getElementById('export-button').addEventListener('click', async () => {
    const data = await outbox.exportFile(sync.userId);
    download(data);
    note.textContent = t('exported', {n: data.entries.length + data.drafts.length});
  });
  document.getElementById('import-file').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    try {
      const result = await outbox.importFile(JSON.parse(await file.text()), sync.userId);
      note.textContent = t('imported', result);
      await sync.changed();
      sync.syncNow();
    } catch (error) {
      note.textContent = t('importFailed');
    }
    event.target.value = '';
  });
}
