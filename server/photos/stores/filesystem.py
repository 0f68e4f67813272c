"""Photos as files under one folder (``PHOTOS_DIR``): the default, for one machine.

Several worker processes on that machine share the folder; app servers on other machines do not
see it (unless it is a shared mount): use the database or S3 store there (docs/deployment.md).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from server.photos.storage import Variant


class FilesystemStore:
    """Files under one folder: ``ab/<id>.part`` while uploading, then ``ab/<id>`` and
    ``ab/<id>.thumb.jpg`` (``ab``: the id's first two hex digits, so no folder grows huge)."""

    #: files are written at once: removing them waits for the row's deletion to be committed
    transactional = False

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
