// When a photo was taken: EXIF DateTimeOriginal of a JPEG if it has one (a photo picked from the
// gallery may have been copied since, so the file's date would be wrong), else the file's date.
// Read from the first 128 KiB only; anything unexpected means "no EXIF date", never an error.
const HEAD_BYTES = 131072;
const EXIF_IFD = 0x8769;
const DATE_TIME_ORIGINAL = 0x9003;
const OFFSET_TIME_ORIGINAL = 0x9011;

const pad = (n) => String(n).padStart(2, '0');

// ISO 8601 with the offset: the server keeps the moment and where on the clock it was taken.
export function isoWithOffset(date, offsetMinutes = -date.getTimezoneOffset()) {
  const local = new Date(date.getTime() + offsetMinutes * 60000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T`
    + `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`
    + `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function ascii(view, offset, count) {
  let text = '';
  for (let i = 0; i < count && offset + i < view.byteLength; i += 1) {
    const code = view.getUint8(offset + i);
    if (!code) break;
    text += String.fromCharCode(code);
  }
  return text;
}

// The IFD's entries as {tag: {type, count, valueOffset}} (offsets from the TIFF header).
function entries(view, tiff, ifd, little) {
  const found = {};
  const count = view.getUint16(tiff + ifd, little);
  for (let i = 0; i < count; i += 1) {
    const at = tiff + ifd + 2 + i * 12;
    found[view.getUint16(at, little)] = {
      count: view.getUint32(at + 4, little), value: view.getUint32(at + 8, little), at: at + 8,
    };
  }
  return found;
}

function stringTag(view, tiff, entry) {
  if (!entry) return null;
  return entry.count <= 4 ? ascii(view, entry.at, entry.count) : ascii(view, tiff + entry.value, entry.count);
}

// The EXIF date of a JPEG's bytes as an ISO string with offset, or null.
export function exifDate(buffer) {
  try {
    const view = new DataView(buffer);
    if (view.getUint16(0) !== 0xffd8) return null;
    let at = 2;
    while (at + 4 < view.byteLength) {
      const marker = view.getUint16(at);
      const length = view.getUint16(at + 2);
      if (marker === 0xffe1 && ascii(view, at + 4, 4) === 'Exif') {
        const tiff = at + 10;
        const little = view.getUint16(tiff) === 0x4949;
        const ifd0 = entries(view, tiff, view.getUint32(tiff + 4, little), little);
        if (!ifd0[EXIF_IFD]) return null;
        const exif = entries(view, tiff, ifd0[EXIF_IFD].value, little);
        const text = stringTag(view, tiff, exif[DATE_TIME_ORIGINAL]);
        const match = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(text || '');
        if (!match) return null;
        const [, y, mo, d, h, mi, s] = match.map(Number);
        const offset = /^([+-])(\d{2}):(\d{2})$/.exec(stringTag(view, tiff, exif[OFFSET_TIME_ORIGINAL]) || '');
        if (offset) {
          const minutes = (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
          return isoWithOffset(new Date(Date.UTC(y, mo - 1, d, h, mi, s) - minutes * 60000), minutes);
        }
        // no offset recorded: the camera's clock is taken to be this phone's local time
        return isoWithOffset(new Date(y, mo - 1, d, h, mi, s));
      }
      if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) return null; // image data: no EXIF
      at += 2 + length;
    }
  } catch (error) {
    // a truncated or odd header: fall back to the file's date
  }
  return null;
}

// The capture time of a picked or taken file.
export async function takenAt(file) {
  if (file.type === 'image/jpeg' || /\.jpe?g$/i.test(file.name || '')) {
    const found = exifDate(await file.slice(0, HEAD_BYTES).arrayBuffer());
    if (found) return found;
  }
  return isoWithOffset(new Date(file.lastModified || Date.now()));
}
