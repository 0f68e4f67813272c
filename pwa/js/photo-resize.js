// Shrink a photo on the phone before it is stored: longest side 1600 px, JPEG at quality 0.7.
// Re-encoding through a canvas also drops the EXIF data (GPS position, device serial …); the
// orientation is applied first (imageOrientation 'from-image'), so the pixels stand upright.
export const MAX_SIDE = 1600;
export const QUALITY = 0.7;
export const THUMB_SIDE = 240;
const THUMB_QUALITY = 0.6;

// The file could not be decoded as an image (not a photo, or a broken one).
export class NotAnImage extends Error {}

function fit(width, height, side) {
  const scale = Math.min(1, side / Math.max(width, height));
  return {width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale))};
}

function canvasOf(width, height) {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height);
  return Object.assign(document.createElement('canvas'), {width, height});
}

async function encode(canvas, quality) {
  if (canvas.convertToBlob) return canvas.convertToBlob({type: 'image/jpeg', quality});
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
}

function draw(bitmap, size) {
  const canvas = canvasOf(size.width, size.height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff'; // a transparent PNG gets white, not black, behind it
  context.fillRect(0, 0, size.width, size.height);
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, size.width, size.height);
  return canvas;
}

// A small JPEG as a data: URL (the page's CSP admits data: images, not blob: ones).
async function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

// {blob, width, height, thumbnail}: the stored JPEG and a data: URL thumbnail.
export async function resize(file, {maxSide = MAX_SIDE, quality = QUALITY} = {}) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, {imageOrientation: 'from-image'});
  } catch (error) {
    throw new NotAnImage(String(error));
  }
  try {
    const size = fit(bitmap.width, bitmap.height, maxSide);
    const blob = await encode(draw(bitmap, size), quality);
    const thumbSize = fit(bitmap.width, bitmap.height, THUMB_SIDE);
    const thumbnail = await dataUrl(await encode(draw(bitmap, thumbSize), THUMB_QUALITY));
    return {blob, ...size, thumbnail};
  } finally {
    bitmap.close();
  }
}
