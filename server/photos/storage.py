"""Where a photo's bytes live: a small interface, and the store the configuration chooses.

The database row (``Photo``) is the truth about how many bytes have arrived; the store only keeps
them. A store holds, per photo id, a partial upload (appended chunk by chunk, each made durable
before the server answers), then the finished file and its thumbnail. Three stores implement it
(server/photos/stores/), chosen by ``PHOTO_STORE`` (``DICOSO_PHOTO_STORE``):

- ``filesystem`` (the default): files under ``PHOTOS_DIR``; for one machine.
- ``database``: rows of the app's own database, so every app server that shares the database
  shares the photos, and one backup of the database holds them too.
- ``s3``: objects in an S3-compatible bucket (boto3), shared by every app server.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping
from typing import Any, BinaryIO, Literal, Protocol

from flask import current_app

Variant = Literal["file", "thumbnail"]
STORES = ("filesystem", "database", "s3")


class PhotoStore(Protocol):
    #: True when the bytes are written in the request's database transaction (they are committed
    #: or rolled back with the photo's row); False when they are written at once, outside it, so
    #: that removing them must wait until the row's deletion is committed
    transactional: bool

    def partial_size(self, photo_id: uuid.UUID) -> int:
        """How many bytes of the partial upload are kept (0 when there is none)."""

    def append(self, photo_id: uuid.UUID, offset: int, chunk: bytes) -> int:
        """Keep ``chunk`` at ``offset`` of the partial upload, dropping anything kept past
        ``offset`` first; durable when it returns (a transactional store: when the transaction
        commits). Returns the partial's new size."""

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


def make_store(config: Mapping[str, Any]) -> PhotoStore:
    """The store ``config`` names (``PHOTO_STORE``); server.config.photo_store_problem has
    refused an unknown name or a bucket-less S3 store at start."""
    name = config.get("PHOTO_STORE", "filesystem")
    if name == "database":
        from server.photos.stores.database import DatabaseStore

        return DatabaseStore()
    if name == "s3":
        from server.photos.stores.s3 import S3Store

        return S3Store(config["S3_BUCKET"], prefix=config.get("S3_PREFIX", ""),
                       endpoint_url=config.get("S3_ENDPOINT_URL"), region=config.get("S3_REGION"))
    from server.photos.stores.filesystem import FilesystemStore

    return FilesystemStore(config["PHOTOS_DIR"])


def photo_store() -> PhotoStore:
    """The app's store, made once per app (and so once per worker process)."""
    store = current_app.extensions.get("dicoso_photo_store")
    if store is None:
        store = current_app.extensions["dicoso_photo_store"] = make_store(current_app.config)
    return store
