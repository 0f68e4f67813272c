"""A photo on a visit: declared by the phone, uploaded in chunks, then checked and kept; and, with
the database store, its bytes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.db import Base, UTCDateTime, utcnow
from server.photos.images import THUMBNAIL_SIDE
from server.visits.models import Visit


class Photo(Base):
    """One photo of a visit. The bytes live in a ``PhotoStore`` (server/photos/storage.py); this
    row says what they must be (SHA-256, size) and how many of them have arrived (``offset``)."""

    __tablename__ = "photos"
    #: a visit's photos in the order they were declared
    __table_args__ = (Index("ix_photos_visit_created", "visit_id", "created_at"),)

    #: made by the phone when the photo is taken, so a retried declaration is idempotent
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    visit_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("visits.id", ondelete="CASCADE"))
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: of the bytes as the phone made them (lower-case hex); checked when the last byte arrives
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(20))
    #: when the photo was taken (the phone's clock), stored in UTC
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    caption: Mapped[str] = mapped_column(Text, default="")
    #: bytes received and made durable so far; the next chunk must start here
    offset: Mapped[int] = mapped_column(default=0)
    #: every byte arrived, the checksum matched, Pillow read it and the thumbnail exists
    complete: Mapped[bool] = mapped_column(default=False, server_default=false())
    width: Mapped[int | None]
    height: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    visit: Mapped[Visit] = relationship()
    uploader: Mapped[User] = relationship()

    @property
    def thumbnail_size(self) -> tuple[int, int]:
        """About the thumbnail's size (longest side 320 px), for the page to keep its place."""
        width, height = self.width or THUMBNAIL_SIDE, self.height or THUMBNAIL_SIDE
        scale = min(1.0, THUMBNAIL_SIDE / max(width, height))
        return max(1, round(width * scale)), max(1, round(height * scale))


# The database store's rows (DICOSO_PHOTO_STORE=database, server/photos/stores/database.py). They
# go with their photo's row (ON DELETE CASCADE): no bytes outlive the photo, whoever deletes it.

class PhotoChunk(Base):
    """One chunk of a photo still uploading, as it arrived: appending one is one insert, whatever
    the photo's size (rewriting one growing value would copy every byte again at each chunk)."""

    __tablename__ = "photo_chunks"

    photo_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("photos.id", ondelete="CASCADE"),
                                                primary_key=True)
    #: where the chunk starts in the photo's bytes
    offset: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class PhotoBlob(Base):
    """A finished photo's bytes (``variant`` "file") or its thumbnail's ("thumbnail")."""

    __tablename__ = "photo_blobs"

    photo_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("photos.id", ondelete="CASCADE"),
                                                primary_key=True)
    variant: Mapped[str] = mapped_column(String(10), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
