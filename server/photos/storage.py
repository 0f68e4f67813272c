"""Where a photo's bytes live: a small interface and its filesystem implementation.

The database row (``Photo``) is the truth about how many bytes have arrived; the store only keeps
them. A store holds, per photo id, a partial upload (appended chunk by chunk, each made durable
before the server answers), then the finished file and its thumbnail. An S3-compatible store can
implement the same protocol later (multipart parts for the partial, two objects for the rest).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Literal, Protocol

from flask import current_app

Variant = Literal["file", "thumbnail"]


class PhotoStore(Protocol):
    def partial_size(self, photo_id: uuid.UUID) -> int:
        """How many bytes of the partial upload are kept (0 when there is none)."""

    def append(self, photo_id: uuid.UUID, offset: int, chunk: bytes) -> int:
        """Keep ``chunk`` at ``offset`` of the partial upload, dropping anything kept past
        ``offset`` first; durable when it returns. Returns the partial's new size."""

    def open_partial(self, photo_id: uuid.UUID) -> contextlib.AbstractContextManager[BinaryIO]:
        """The partial upload, for reading (checksum, image check)."""

    def discard_partial(self, photo_id: uuid.UUID) -> None:
        """Forget the partial upload (a bad checksum, not an image)."""

    def finish(self, photo_id: uuid.UUID, original: bytes, thumbnail: bytes) -> None:
        """The photo (re-encoded from the partial upload, which goes) and its thumbnail are kept;
        durable when it returns."""

    def open(self, photo_id: uuid.UUID, variant: Variant) -> BinaryIO | None:
        """The finished photo or its thumbnail, for reading; None when absent."""

    def delete(self, photo_id: uuid.UUID) -> None:
        """Remove everything kept for the photo (absent parts are no error)."""


class FilesystemStore:
    """Files under one folder: ``ab/<id>.part`` while uploading, then ``ab/<id>`` and
    ``ab/<id>.thumb.jpg`` (``ab``: the id's first two hex digits, so no folder grows huge)."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def _path(self, photo_id: uuid.UUID, suffix: str = "") -> Path:
        return self.root / photo_id.hex[:2] / f"{photo_id}{suffix}"

    def _partial(self, photo_id: uuid.UUID) -> Path:
        return self._path(photo_id, ".part")

    def _variant(self, photo_id: uuid.UUID, variant: Variant) -> Path:
        return self._path(photo_id, ".thumb.jpg" if variant == "thumbnail" else "")

    def partial_size(self, photo_id: uuid.UUID) -> int:
        try:
            return self._partial(photo_id).stat().st_size
        except FileNotFoundError:
            return 0

    def append(self, photo_id: uuid.UUID, offset: int, chunk: bytes) -> int:
        path = self._partial(photo_id)
        created = not path.exists()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < offset:
                raise ValueError(f"photo {photo_id}: the partial upload is shorter than {offset}")
            # bytes past the offset were written by a request whose answer never committed
            os.ftruncate(fd, offset)
            os.lseek(fd, offset, os.SEEK_SET)
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
            size = os.fstat(fd).st_size
        finally:
            os.close(fd)
        if created:
            _fsync_dir(path.parent)
        return size

    @contextlib.contextmanager
    def open_partial(self, photo_id: uuid.UUID) -> Iterator[BinaryIO]:
        with self._partial(photo_id).open("rb") as file:
            yield file

    def discard_partial(self, photo_id: uuid.UUID) -> None:
        self._partial(photo_id).unlink(missing_ok=True)

    def finish(self, photo_id: uuid.UUID, original: bytes, thumbnail: bytes) -> None:
        # the thumbnail first: a finished file always has one
        _write_durably(self._variant(photo_id, "thumbnail"), thumbnail)
        _write_durably(self._variant(photo_id, "file"), original)
        self._partial(photo_id).unlink(missing_ok=True)
        _fsync_dir(self._variant(photo_id, "file").parent)

    def open(self, photo_id: uuid.UUID, variant: Variant) -> BinaryIO | None:
        try:
            return self._variant(photo_id, variant).open("rb")
        except FileNotFoundError:
            return None

    def delete(self, photo_id: uuid.UUID) -> None:
        for path in (self._partial(photo_id), self._variant(photo_id, "file"),
                     self._variant(photo_id, "thumbnail")):
            path.unlink(missing_ok=True)


def _write_durably(path: Path, data: bytes) -> None:
    """``data`` at ``path`` whole or not at all: written beside it, synced, then renamed."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def _fsync_dir(path: Path) -> None:
    """Make a file's creation or renaming durable (the folder's entry), where the OS allows it."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def photo_store() -> PhotoStore:
    """The app's store (one per app; ``PHOTOS_DIR`` names the folder)."""
    store = current_app.extensions.get("dicoso_photo_store")
    if store is None:
        store = current_app.extensions["dicoso_photo_store"] = FilesystemStore(
            current_app.config["PHOTOS_DIR"])
    return store
