"""Helpers for the photo tests: real JPEGs made with Pillow, and the phone's photo records."""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image

# The photo records on the phone, without their bytes (IndexedDB `photos`).
PHOTO_RECORDS = """async () => {
    const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open('dicoso');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
    });
    const all = await new Promise((resolve, reject) => {
        const request = db.transaction('photos').objectStore('photos').getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    });
    db.close();
    return all.map(({blob, thumbnail, ...meta}) => ({...meta, has_blob: Boolean(blob),
        blob_size: blob ? blob.size : 0, has_thumbnail: Boolean(thumbnail)}));
}"""

# The stored JPEG of one photo, as a list of byte values.
PHOTO_BYTES = """async (id) => {
    const db = await new Promise((resolve) => {
        const open = indexedDB.open('dicoso');
        open.onsuccess = () => resolve(open.result);
    });
    const photo = await new Promise((resolve) => {
        const request = db.transaction('photos').objectStore('photos').get(id);
        request.onsuccess = () => resolve(request.result);
    });
    db.close();
    return Array.from(new Uint8Array(await photo.blob.arrayBuffer()));
}"""


def jpeg(path: Path, width: int = 3000, height: int = 2000, *, seed: int = 1, noise: int = 40,
         exif_date: str | None = None, orientation: int | None = None, quality: int = 90) -> Path:
    """A camera-like JPEG: a colour gradient with noise (plain noise would be unrealistically big)."""
    rng = random.Random(seed)
    small = Image.new("RGB", (width // 10, height // 10))
    small.putdata([(int(255 * x / small.width), int(255 * y / small.height), rng.randrange(256))
                   for y in range(small.height) for x in range(small.width)])
    image = small.resize((width, height), Image.Resampling.BILINEAR)
    if noise:
        grain = Image.effect_noise((width, height), noise).convert("RGB")
        image = Image.blend(image, grain, 0.15)
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if exif_date:
        exif.get_ifd(0x8769)[0x9003] = exif_date
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=exif.tobytes() if (orientation or exif_date) else b"")
    path.write_bytes(buffer.getvalue())
    return path


def photo_records(page) -> list[dict]:
    return page.evaluate(PHOTO_RECORDS)


def photo_bytes(page, photo_id: str) -> bytes:
    return bytes(page.evaluate(PHOTO_BYTES, photo_id))


def add_photos(page, files: list[Path], selector: str = "#photo-pick") -> None:
    """Choose files in the form's photo block and wait until the block has dealt with them."""
    page.wait_for_selector("#photos-block[data-ready='true']")
    added = int(page.get_attribute("#photos-block", "data-added") or 0)
    page.set_input_files(selector, [str(f) for f in files])
    page.wait_for_selector(f"#photos-block[data-added='{added + 1}']")
