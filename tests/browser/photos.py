"""Helpers for the photo tests: real JPEGs made with Pillow, and the phone's photo records."""

from __future__ import annotations

import contextlib
import io
import random
import socket
import threading
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


class PhotoWire:
    """WSGI middleware in front of the app for the photo routes: records every chunk (which photo,
    at which offset, how many bytes reached the app), and can cut the line like GPRS does.

    - ``cut_during``: the Nth PATCH (1-based) is cut half-way through its body; the app never sees it.
    - ``lose_answer_of``: the app applies the Nth PATCH, then the connection drops before the answer.
    - ``refuse``: while set, every photo request is answered 503 (a server not taking photos yet).
    """

    def __init__(self, app):
        self.app = app
        self.chunks: list[tuple[str, int, int]] = []  # (photo id, Upload-Offset, bytes to the app)
        self.bytes_read = 0  # every chunk byte read off the wire, cut chunks included
        self.patches = 0
        self.cut_during: int | None = None
        self.lose_answer_of: int | None = None
        self.refuse = threading.Event()
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        photo_route = path.startswith("/api/v1/photos/") or path.endswith("/photos")
        if photo_route and self.refuse.is_set():
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"error": {"code": "unavailable", "message": "test", "fields": {}}}']
        if environ["REQUEST_METHOD"] != "PATCH" or not path.startswith("/api/v1/photos/"):
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        with self.lock:
            self.patches += 1
            number = self.patches
        if number == self.cut_during:
            self.bytes_read += len(environ["wsgi.input"].read(length // 2))
            _cut(environ)
        body = environ["wsgi.input"].read(length)
        self.bytes_read += len(body)
        self.chunks.append((path.rsplit("/", 1)[1], int(environ.get("HTTP_UPLOAD_OFFSET", -1)), len(body)))
        environ["wsgi.input"] = io.BytesIO(body)
        if number != self.lose_answer_of:
            return self.app(environ, start_response)
        response = self.app(environ, lambda *args, **kwargs: (lambda data: None))
        b"".join(response)
        getattr(response, "close", lambda: None)()
        _cut(environ)
        return []

    def delivered(self, photo_id: str) -> int:
        return sum(n for pid, _, n in self.chunks if pid == photo_id)


def _cut(environ):
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionAbortedError("test: connection cut")


def wire(live_server) -> PhotoWire:
    """Put a PhotoWire in front of the live server's app (behind its push Recorder)."""
    middleware = PhotoWire(live_server.recorder.app)
    live_server.recorder.app = middleware
    return middleware


def kept_from(photo, data: bytes | None, sent: bytes) -> bool:
    """The server has the photo the phone sent: the row is complete with the sent bytes' checksum
    and size (the server checks them before keeping anything), and the kept file is that image
    re-encoded (issue #19: never kept byte for byte), with the same pixel size."""
    import hashlib

    if photo is None or not photo.complete or data is None:
        return False
    if photo.sha256 != hashlib.sha256(sent).hexdigest() or photo.size != len(sent):
        return False
    with Image.open(io.BytesIO(data)) as kept, Image.open(io.BytesIO(sent)) as original:
        return kept.size == original.size
