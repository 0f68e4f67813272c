"""/api/v1 photo routes: declare, resume, send bytes, remove, view. Thin: parse → service → dump.

The protocol (docs/api.md, "Photos"): declare the photo on its visit, then PATCH its bytes in
chunks at the offset the server reports, then GET the file or its thumbnail. Chunk bodies are raw
bytes, not JSON. Bearer token or web session (with X-CSRFToken for changes), as the rest of /api.
"""

from __future__ import annotations

import uuid

from flask import Response, current_app, jsonify, request, send_file
from flask_babel import gettext as _
from marshmallow import ValidationError

from server.api.auth import api_login_required, api_user
from server.api.blueprint import api_blueprint, rate_limit_key
from server.api.body import MIB, read_json
from server.api.errors import ApiError, not_found
from server.api.openapi import ErrorSchema, document, json_body, responses
from server.api.validation import translate_errors
from server.extensions import db, limiter
from server.photos import services
from server.photos.schemas import OffsetMismatchBody, PhotoIn, PhotoOut
from server.photos.storage import Variant, photo_store
from server.visits.services import own_visit

bp = api_blueprint("photos", __name__)

#: the largest chunk accepted (the phone sends 64 KiB: a cut connection loses at most that)
MAX_CHUNK = MIB
CHUNK_TYPES = ("application/offset+octet-stream", "application/octet-stream")
#: a refusal's HTTP status, by its code
STATUS = {"not_found": 404, "locked": 409, "photo_conflict": 409, "offset_mismatch": 409,
          "too_many_photos": 422, "past_end": 422, "checksum_mismatch": 422, "not_an_image": 422}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def _api_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", "600 per minute")


def _uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError as error:
        raise not_found() from error


def _refused(error: services.Refused) -> ApiError:
    return ApiError(STATUS[error.code], error.code, error.message, **error.details)


def _with_offset(response: Response, photo) -> Response:
    response.headers["Upload-Offset"] = str(services.current_offset(photo))
    return response


def _error(description: str) -> dict:
    return json_body(ErrorSchema, description)


_PHOTO_ID = [{"in": "path", "name": "photo_id", "required": True,
              "schema": {"type": "string", "format": "uuid"}}]
_UPLOAD_OFFSET = {"Upload-Offset": {"description": "bytes received: the next chunk starts here",
                                    "schema": {"type": "integer"}}}


@bp.post("/visits/<visit_id>/photos")
@limiter.limit(_api_limit, key_func=rate_limit_key)
@api_login_required
@document(
    summary="Declare a photo of one of the caller's visits (idempotent by the photo's id)",
    parameters=[{"in": "path", "name": "visit_id", "required": True,
                 "schema": {"type": "string", "format": "uuid"}}],
    requestBody={"required": True, "content": {"application/json": {"schema": PhotoIn}}},
    responses=responses({
        "201": json_body(PhotoOut, "Declared; send its bytes with PATCH /photos/{id}"),
        "200": json_body(PhotoOut, "Already declared with the same SHA-256 and size: its current state"),
        "409": _error("locked (the visit is approved) or photo_conflict (the id is another photo's)"),
        "422": _error("invalid (fields) or too_many_photos (MAX_PHOTOS_PER_VISIT)"),
    }, 400, 401, 404, 413, 415, 429),
)
def declare(visit_id: str):
    key = _uuid(visit_id)
    user = api_user()
    if own_visit(user, key) is None:  # before reading the body: someone else's visit is just absent
        raise not_found()
    body = read_json(limit=16 * 1024)
    try:
        data = PhotoIn().load(body)
    except ValidationError as error:
        raise ApiError(422, "invalid", _("Please correct the marked fields."),
                       translate_errors(error.messages)) from error
    try:
        photo, created = services.declare(user, key, data)
    except services.Refused as error:
        raise _refused(error) from error
    return _with_offset(jsonify(services.to_wire(photo)), photo), 201 if created else 200


@bp.get("/photos/<photo_id>")
@limiter.limit(_api_limit, key_func=rate_limit_key)
@api_login_required
@document(summary="A photo's state: where to resume its upload",
          parameters=_PHOTO_ID,
          responses=responses({"200": {**json_body(PhotoOut), "headers": _UPLOAD_OFFSET}}, 401, 404, 429))
def state(photo_id: str):
    photo = services.visible_photo(api_user(), _uuid(photo_id))
    if photo is None:
        raise not_found()
    return _with_offset(jsonify(services.to_wire(photo)), photo)


def _read_chunk() -> bytes:
    """The request's raw body: at most MAX_CHUNK bytes, sent as they are (no Content-Encoding)."""
    if request.mimetype not in CHUNK_TYPES:
        raise ApiError(415, "unsupported_media_type",
                       _("Send the bytes with Content-Type: application/offset+octet-stream."))
    encoding = (request.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":  # offsets count the photo's bytes, not a compressed form of them
        raise ApiError(415, "unsupported_encoding", _("Send the bytes of a photo as they are, not encoded."))
    if request.content_length is not None and request.content_length > MAX_CHUNK:
        raise ApiError(413, "too_large", _("Send at most 1 MiB at a time."))
    # One read may return fewer bytes than sent so far: read to the end of the body. A connection
    # cut before Content-Length bytes arrived must append nothing (the phone resends that chunk),
    # so a short body is refused, never kept.
    parts: list[bytes] = []
    received = 0
    while received <= MAX_CHUNK:
        part = request.stream.read(MAX_CHUNK + 1 - received)
        if not part:
            break
        parts.append(part)
        received += len(part)
    if received > MAX_CHUNK:
        raise ApiError(413, "too_large", _("Send at most 1 MiB at a time."))
    if request.content_length is not None and received != request.content_length:
        raise ApiError(400, "incomplete", _("The chunk did not arrive whole. Send it again."))
    return b"".join(parts)


def _upload_offset() -> int:
    raw = (request.headers.get("Upload-Offset") or "").strip()
    if not raw.isdigit() or not raw.isascii() or len(raw) > 12:
        raise ApiError(400, "bad_offset", _("Send the chunk's position in the Upload-Offset header."))
    return int(raw)


@bp.patch("/photos/<photo_id>")
@limiter.limit(_api_limit, key_func=rate_limit_key)
@api_login_required
@document(
    summary="Send the next chunk of a photo's bytes, at the offset the server reported",
    parameters=[*_PHOTO_ID, {"in": "header", "name": "Upload-Offset", "required": True,
                             "schema": {"type": "integer", "minimum": 0}}],
    requestBody={"required": True, "description": "the next bytes (at most 1 MiB), not encoded",
                 "content": {media: {"schema": {"type": "string", "format": "binary"}}
                             for media in CHUNK_TYPES}},
    responses=responses({
        "200": {**json_body(PhotoOut, "Kept (durably); complete: true once the whole photo is checked"),
                "headers": _UPLOAD_OFFSET},
        "409": json_body(OffsetMismatchBody, "offset_mismatch (error.offset: continue from there) "
                                             "or locked (the visit is approved)"),
        "422": _error("past_end (the chunk goes past the size), checksum_mismatch (offset back to 0) "
                      "or not_an_image (the photo is discarded)"),
    }, 400, 401, 404, 413, 415, 429),
)
def upload(photo_id: str):
    key = _uuid(photo_id)
    user = api_user()
    if services.own_photo(user, key) is None:  # before reading the headers and body
        raise not_found()
    offset = _upload_offset()
    chunk = _read_chunk()
    try:
        photo = services.receive_chunk(user, key, offset, chunk)
    except services.Discarded as error:
        # the received bytes were thrown away: that must stick although the answer is an error
        # (an error answer rolls the request back, server/transaction.py)
        db.session.commit()
        raise _refused(error) from error
    except services.Refused as error:
        raise _refused(error) from error
    return _with_offset(jsonify(services.to_wire(photo)), photo)


@bp.delete("/photos/<photo_id>")
@limiter.limit(_api_limit, key_func=rate_limit_key)
@api_login_required
@document(summary="Remove a photo from a visit the caller may still change",
          parameters=_PHOTO_ID,
          responses=responses({"204": {"description": "Removed"},
                               "409": _error("locked: the visit is approved")}, 400, 401, 404, 429))
def remove(photo_id: str):
    try:
        services.remove(api_user(), _uuid(photo_id))
    except services.Refused as error:
        raise _refused(error) from error
    return "", 204


def _send(photo_id: str, variant: Variant) -> Response:
    photo = services.visible_photo(api_user(), _uuid(photo_id))
    if photo is None or not photo.complete:
        raise not_found()
    file = photo_store().open(photo.id, variant)
    if file is None:
        raise not_found()
    mimetype = photo.content_type if variant == "file" else "image/jpeg"
    name = f"{photo.id}.{EXTENSIONS[mimetype]}" if variant == "file" else f"{photo.id}-thumbnail.jpg"
    response = send_file(file, mimetype=mimetype, download_name=name, as_attachment=False,
                         etag=f"{photo.sha256[:40]}-{variant}", conditional=True, max_age=None)
    # someone's photo: no shared cache keeps it, and the browser asks again every time (a 304
    # costs no bytes), so a removed photo or a reviewer's lost scope takes effect at once
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # opened on its own (a reviewer's "open image"), a file that a browser took for a page runs no
    # script and reaches no cookie or storage of this origin (server.security adds the app's policy)
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


_IMAGE = {"content": {t: {"schema": {"type": "string", "format": "binary"}} for t in EXTENSIONS},
          "description": "The image (Content-Disposition: inline; ETag, 304 on If-None-Match)"}


@bp.get("/photos/<photo_id>/file")
@limiter.limit(_api_limit, key_func=rate_limit_key)
@api_login_required
@document(summary="The photo, re-encoded by the server from what the phone sent (its cadre, reviewers "
                  "of the cadre, admins)",
          parameters=_PHOTO_ID,
          responses=responses({"200": _IMAGE, "304": {"description": "Not modified"}}, 401, 404, 429))
def file(photo_id: str):
    return _send(photo_id, "file")


@bp.get("/photos/<photo_id>/thumbnail")
@limiter.limit(_api_limit, key_func=rate_limit_key)
@api_login_required
@document(summary="The photo's thumbnail: a JPEG, longest side 320 px, no metadata",
          parameters=_PHOTO_ID,
          responses=responses({"200": {**_IMAGE, "content": {"image/jpeg": {"schema": {
              "type": "string", "format": "binary"}}}}, "304": {"description": "Not modified"}},
              401, 404, 429))
def thumbnail(photo_id: str):
    return _send(photo_id, "thumbnail")
