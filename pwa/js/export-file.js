// The export file of what still waits on this device (the escape hatch when the device cannot keep
// it): the outbox's entries and the photos not yet on the server (base64, with their metadata).
import * as outbox from './outbox.js';
import * as photos from './photo-store.js';

// Format version 2 adds `photos`; version 1 files (entries only) still import.
export async function exportData(userId) {
  const data = await outbox.exportFile(userId);
  return {...data, version: 2, photos: await photos.exportable(userId)};
}

// {added, skipped, photos}: entries and photos brought back; a malformed file changes nothing.
export async function importData(data, userId) {
  const records = photos.parseExported(data?.photos, userId);
  const result = await outbox.importFile(data, userId);
  return {...result, photos: (await photos.keepImported(records)).added};
}

// Hand the cadre the file.
export function download(data) {
  const blob = new Blob([JSON.stringify(data, null, 1)], {type: 'application/json'});
  const link = Object.assign(document.createElement('a'), {
    href: URL.createObjectURL(blob), download: `dicoso-cho-gui-${new Date().toISOString().slice(0, 10)}.json`,
  });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
