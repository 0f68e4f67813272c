"""A photo on the wire: the declaration a phone sends, the state the server answers with.

These validate requests and feed /api/v1/openapi.json. This module imports nothing of the visits
feature, so the visit's wire format (server/visits/wire.py) can carry ``PhotoBrief``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields, validates

from server.api.validation import Length, OneOf, Range, Text
from server.db import utcnow

CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp"]
MAX_CAPTION = 500
#: no photo of a visit was taken before the earliest visit date (server/visits/rules.py)
EARLIEST_TAKEN = datetime(2000, 1, 1, tzinfo=UTC)
#: a phone's clock may run a little ahead
CLOCK_SLACK = timedelta(days=1)


class PhotoIn(Schema):
    """The declaration of a photo, before any of its bytes."""

    id = fields.UUID(required=True, metadata={"description": "UUID made by the phone"})
    sha256 = fields.String(required=True, metadata={"description": "SHA-256 of the bytes, 64 hex digits"})
    size = fields.Integer(required=True, strict=True, validate=Range(1, 2**31 - 1),
                          metadata={"description": "bytes; at most MAX_PHOTO_BYTES (default 5 MiB)"})
    content_type = fields.String(required=True, validate=OneOf(CONTENT_TYPES))
    taken_at = fields.AwareDateTime(required=True, metadata={"description": "capture time, with its offset"})
    caption = Text(load_default="", validate=Length(max=MAX_CAPTION))

    @validates("sha256")
    def check_sha256(self, value: str, **kwargs: Any) -> None:
        if len(value) != 64 or any(c not in "0123456789abcdefABCDEF" for c in value):
            raise ValidationError(gettext("Must be 64 hexadecimal digits."))

    @validates("size")
    def check_size(self, value: int, **kwargs: Any) -> None:
        limit = current_app.config["MAX_PHOTO_BYTES"]
        if value > limit:
            megabytes = f"{limit / 1024 / 1024:g}"
            raise ValidationError(gettext("At most %(size)s MB.", size=megabytes))

    @validates("taken_at")
    def check_taken_at(self, value: datetime, **kwargs: Any) -> None:
        if not EARLIEST_TAKEN <= value <= utcnow() + CLOCK_SLACK:
            raise ValidationError(gettext("Not a possible capture time."))


class PhotoOut(Schema):
    """A photo as the server has it: how far its upload has come, and where to see it."""

    id = fields.UUID(required=True)
    visit_id = fields.UUID(required=True)
    sha256 = fields.String(required=True)
    size = fields.Integer(required=True)
    content_type = fields.String(required=True)
    taken_at = fields.AwareDateTime(required=True)
    caption = fields.String(required=True)
    offset = fields.Integer(required=True,
                            metadata={"description": "bytes received: the next chunk starts here"})
    complete = fields.Boolean(required=True, metadata={"description": "received, checked and kept"})
    width = fields.Integer(required=True, allow_none=True)
    height = fields.Integer(required=True, allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    file_url = fields.String(required=True, allow_none=True, metadata={"description": "null until complete"})
    thumbnail_url = fields.String(required=True, allow_none=True,
                                  metadata={"description": "320 px JPEG; null until complete"})


class PhotoBrief(Schema):
    """A photo as a visit carries it (VisitOut.photos): enough for the phone to show the server's state."""

    id = fields.UUID(required=True)
    complete = fields.Boolean(required=True)
    taken_at = fields.AwareDateTime(required=True)
    caption = fields.String(required=True)
    thumbnail_url = fields.String(required=True, allow_none=True)


class OffsetMismatchError(Schema):
    """The error of a chunk sent at the wrong offset: the envelope plus the server's offset."""

    code = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(required=True, data_key="fields")
    offset = fields.Integer(metadata={"description": "offset_mismatch: continue from here"})


class OffsetMismatchBody(Schema):
    error = fields.Nested(OffsetMismatchError, required=True)
