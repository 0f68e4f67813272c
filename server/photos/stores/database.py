"""Photos in the app's own database (SQLite or PostgreSQL): every app server that shares the
database shares the photos, and a backup of the database holds them.

The bytes are written in the request's transaction (``db.session``), with the photo's row: a chunk
is durable exactly when the offset that counts it is committed, and a request that fails leaves
neither. A partial upload is its chunks as they arrived, one row each (``photo_chunks``: appending
is one insert, never a rewrite of what came before); the finished photo and its thumbnail are one
row each (``photo_blobs``). Rows go with their photo's row (ON DELETE CASCADE).
"""

from __future__ import annotations

import contextlib
import io
import uuid
from collections.abc import Iterator
from typing import BinaryIO

from sqlalchemy import delete, func, insert, select, update

from server.extensions import db
from server.photos.models import PhotoBlob, PhotoChunk
from server.photos.storage import Variant


class DatabaseStore:
    """Rows of ``photo_chunks`` while uploading, then two rows of ``photo_blobs``."""

    #: written in the request's transaction: committed or rolled back with the photo's row
    transactional = True

    def partial_size(self, photo_id: uuid.UUID) -> int:
        # the last chunk's end: chunks are contiguous from 0 (append keeps them so)
        end = db.session.scalar(
            select(PhotoChunk.offset + func.length(PhotoChunk.data)).where(PhotoChunk.photo_id == photo_id)
            .order_by(PhotoChunk.offset.desc()).limit(1))
        return end or 0

    def append(self, photo_id: uuid.UUID, offset: int, chunk: bytes) -> int:
        size = self.partial_size(photo_id)
        if size < offset:
            raise ValueError(f"photo {photo_id}: the partial upload is shorter than {offset}")
        if size > offset:
            self._cut(photo_id, offset)
        db.session.execute(insert(PhotoChunk).values(photo_id=photo_id, offset=offset, data=chunk))
        return offset + len(chunk)

    def _cut(self, photo_id: uuid.UUID, offset: int) -> None:
        """Drop what is kept past ``offset``: whole chunks that start there or later, and the end
        of a chunk that runs over it."""
        db.session.execute(delete(PhotoChunk).where(PhotoChunk.photo_id == photo_id,
                                                    PhotoChunk.offset >= offset))
        over = db.session.execute(
            select(PhotoChunk.offset, PhotoChunk.data).where(PhotoChunk.photo_id == photo_id)
            .order_by(PhotoChunk.offset.desc()).limit(1)).first()
        if over is not None and over.offset + len(over.data) > offset:
            db.session.execute(update(PhotoChunk).where(
                PhotoChunk.photo_id == photo_id, PhotoChunk.offset == over.offset,
            ).values(data=over.data[:offset - over.offset]))

    @contextlib.contextmanager
    def open_partial(self, photo_id: uuid.UUID) -> Iterator[BinaryIO]:
        # at most MAX_PHOTO_BYTES (5 MiB): read whole, as the image check does anyway
        chunks = db.session.scalars(select(PhotoChunk.data).where(PhotoChunk.photo_id == photo_id)
                                    .order_by(PhotoChunk.offset))
        yield io.BytesIO(b"".join(chunks))

    def discard_partial(self, photo_id: uuid.UUID) -> None:
        db.session.execute(delete(PhotoChunk).where(PhotoChunk.photo_id == photo_id))

    def finish(self, photo_id: uuid.UUID, original: bytes, thumbnail: bytes) -> None:
        db.session.execute(delete(PhotoBlob).where(PhotoBlob.photo_id == photo_id))
        db.session.execute(insert(PhotoBlob), [
            {"photo_id": photo_id, "variant": "thumbnail", "data": thumbnail},
            {"photo_id": photo_id, "variant": "file", "data": original},
        ])
        self.discard_partial(photo_id)

    def open(self, photo_id: uuid.UUID, variant: Variant) -> BinaryIO | None:
        data = db.session.scalar(select(PhotoBlob.data).where(PhotoBlob.photo_id == photo_id,
                                                              PhotoBlob.variant == variant))
        return None if data is None else io.BytesIO(data)

    def delete(self, photo_id: uuid.UUID) -> None:
        self.discard_partial(photo_id)
        db.session.execute(delete(PhotoBlob).where(PhotoBlob.photo_id == photo_id))
