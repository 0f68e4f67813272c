"""Helpers for photo tests: images made with Pillow, declarations and chunked uploads, and what
the photo store keeps (read and tampered with through the store's own interface, so that every
store can be checked the same way)."""

from __future__ import annotations

import hashlib
import io
import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from tests.api.support import bearer

CHUNK = 64 * 1024


def jpeg(width: int = 1600, height: int = 1200, quality: int = 70, **save: Any) -> bytes:
    """A photo-like JPEG (noise compresses badly, as a real photo does)."""
    image = Image.effect_noise((width, height), 60).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, **save)
    return out.getvalue()


def png(width: int = 400, height: int = 300, mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), (10, 120, 200, 128) if mode == "RGBA" else 90).save(out, "PNG")
    return out.getvalue()


def declaration(data: bytes, **overrides: Any) -> dict[str, Any]:
    body = {"id": str(uuid.uuid4()), "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
            "content_type": "image/jpeg", "taken_at": "2025-08-16T09:30:00+07:00",
            "caption": "Sinh hoạt chi đoàn thôn Nà Pàn"}
    body.update(overrides)
    return body


def declare(client: FlaskClient, token: str, visit_id: Any, body: dict[str, Any]):
    return client.post(f"/api/v1/visits/{visit_id}/photos", json=body, headers=bearer(token))


def send(client: FlaskClient, token: str, photo_id: Any, offset: int, chunk: bytes, **headers: str):
    return client.patch(f"/api/v1/photos/{photo_id}", data=chunk, headers={
        **bearer(token), "Upload-Offset": str(offset),
        "Content-Type": "application/offset+octet-stream", **headers})


def upload(client: FlaskClient, token: str, photo_id: Any, data: bytes, start: int = 0,
           chunk: int = CHUNK):
    """Send ``data[start:]`` chunk by chunk; the last answer."""
    response = None
    offset = start
    while offset < len(data):
        response = send(client, token, photo_id, offset, data[offset:offset + chunk])
        if response.status_code != 200:
            return response
        offset = response.get_json()["offset"]
    return response


def add_photo(client: FlaskClient, token: str, visit_id: Any, data: bytes | None = None,
              **overrides: Any) -> str:
    """Declare and upload a whole photo; its id."""
    data = data if data is not None else jpeg(400, 300)
    body = declaration(data, **overrides)
    assert declare(client, token, visit_id, body).status_code == 201
    response = upload(client, token, body["id"], data)
    assert response.status_code == 200 and response.get_json()["complete"], response.get_json()
    return body["id"]


def make_photo(cadre_id: int, visit_id: Any, data: bytes | None = None) -> uuid.UUID:
    """Add a complete photo to a visit through the services, inside an app context; its id."""
    from datetime import UTC, datetime

    from server.auth.models import User
    from server.extensions import db
    from server.photos import services

    data = data if data is not None else jpeg(400, 300)
    user = db.session.get(User, cadre_id)
    photo, _created = services.declare(user, uuid.UUID(str(visit_id)), {
        "id": uuid.uuid4(), "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
        "content_type": "image/jpeg", "taken_at": datetime(2025, 8, 16, 2, 30, tzinfo=UTC), "caption": ""})
    services.receive_chunk(user, photo.id, 0, data)
    return photo.id


def _uuid(photo_id: Any) -> uuid.UUID:
    return photo_id if isinstance(photo_id, uuid.UUID) else uuid.UUID(str(photo_id))


def stored(app: Flask, photo_id: Any, variant: str = "file") -> bytes | None:
    """The bytes the store keeps for a finished photo (or its thumbnail); None when absent."""
    from server.photos.storage import photo_store

    with app.app_context():
        file = photo_store().open(_uuid(photo_id), variant)  # type: ignore[arg-type]
        if file is None:
            return None
        with file:
            return file.read()


def partial_size(app: Flask, photo_id: Any) -> int:
    """How many bytes of the photo's partial upload the store keeps."""
    from server.photos.storage import photo_store

    with app.app_context():
        return photo_store().partial_size(_uuid(photo_id))


def kept_nothing(app: Flask, photo_id: Any) -> bool:
    """Whether the store keeps nothing at all for the photo (no partial, file or thumbnail)."""
    return (partial_size(app, photo_id) == 0 and stored(app, photo_id) is None
            and stored(app, photo_id, "thumbnail") is None)


def append_past_offset(app: Flask, photo_id: Any, junk: bytes) -> None:
    """Bytes kept past the committed offset: as if a later request had stored a chunk and then
    failed before committing (which a store outside the transaction can be left with)."""
    from server.extensions import db
    from server.photos.storage import photo_store

    with app.app_context():
        store = photo_store()
        store.append(_uuid(photo_id), store.partial_size(_uuid(photo_id)), junk)
        db.session.commit()


def lose_end(app: Flask, photo_id: Any, size: int) -> None:
    """The store keeps only the first ``size`` bytes of the partial upload (a disk that lost its
    last writes)."""
    from server.extensions import db
    from server.photos.storage import photo_store

    with app.app_context():
        store = photo_store()
        with store.open_partial(_uuid(photo_id)) as file:
            kept = file.read(size)
        store.discard_partial(_uuid(photo_id))
        store.append(_uuid(photo_id), 0, kept)
        db.session.commit()
