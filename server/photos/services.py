"""Photos on a visit: declare, receive chunks, check, show, remove.

Who may do what: only the visit's cadre declares, uploads and removes its photos, and only while
the visit is not approved (the rule of a visit push). The cadre, the reviewers whose scope covers
the cadre and admins see them (``can_view_visit``). Anyone else is told the photo does not exist.

Locks, always in this order, so that no two requests wait on each other in a circle: the photo's
row (``FOR UPDATE``: one chunk of a photo at a time), then the visits' change lock (the one every
visit writer and every review takes: a photo cannot be added to a visit while it is being
approved). Services flush, never commit (server/transaction.py).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from server.audit.services import record
from server.auth.models import User
from server.auth.permissions import can_view_visit
from server.db import utcnow
from server.extensions import db
from server.photos.images import NotAnImage, check_image
from server.photos.models import Photo
from server.photos.schemas import MAX_CAPTION
from server.photos.storage import photo_store
from server.visits import store as visit_store
from server.visits.models import Visit, VisitStatus


class Refused(Exception):
    """A request about a photo that cannot be carried out; ``code`` is the API's error code."""

    def __init__(self, code: str, message: str, **details: Any):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


class Discarded(Refused):
    """The received bytes were thrown away (bad checksum, not an image): unlike other refusals,
    that must be committed although the answer is an error."""


def _not_found() -> Refused:
    return Refused("not_found", _("Not found."))


def _locked() -> Refused:
    return Refused("locked", _("This visit is approved: its photos can no longer change."))


# -- reading ------------------------------------------------------------------------------------

def visible_photo(user: User, photo_id: uuid.UUID) -> Photo | None:
    """The photo if ``user`` may see it (its cadre, a reviewer of the cadre, an admin), else None."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or not can_view_visit(user, photo.visit):
        return None
    return photo


def own_photo(user: User, photo_id: uuid.UUID) -> Photo | None:
    """The photo if it is the caller's own (only its cadre changes it), else None."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.uploader_id != user.id or photo.visit.cadre_id != user.id:
        return None
    return photo


def _own_photo_for_update(user: User, photo_id: uuid.UUID) -> Photo:
    """The caller's own photo, its row locked to commit; ``not_found`` for anyone else's."""
    photo = db.session.scalar(select(Photo).where(Photo.id == photo_id).with_for_update()
                              .execution_options(populate_existing=True))
    if photo is None or photo.uploader_id != user.id or photo.visit.cadre_id != user.id:
        raise _not_found()
    return photo


def current_offset(photo: Photo) -> int:
    """Bytes received and kept. Normally ``photo.offset``; less if the store lost the end of the
    partial upload (a crash between writing a chunk and committing a later one)."""
    if photo.complete:
        return photo.size
    return min(photo.offset, photo_store().partial_size(photo.id))


def to_wire(photo: Photo) -> dict[str, Any]:
    """A photo as PhotoOut."""
    done = photo.complete
    return {
        "id": str(photo.id), "visit_id": str(photo.visit_id), "sha256": photo.sha256, "size": photo.size,
        "content_type": photo.content_type, "taken_at": photo.taken_at.isoformat(),
        "caption": photo.caption, "offset": current_offset(photo), "complete": done,
        "width": photo.width, "height": photo.height, "created_at": photo.created_at.isoformat(),
        "file_url": url_for("photos.file", photo_id=photo.id) if done else None,
        "thumbnail_url": url_for("photos.thumbnail", photo_id=photo.id) if done else None,
    }


def visit_photos(visit_id: uuid.UUID) -> list[Photo]:
    """A visit's photos in the order they were declared (pending ones too)."""
    return list(db.session.scalars(select(Photo).where(Photo.visit_id == visit_id)
                                   .order_by(Photo.created_at, Photo.id)))


def briefs_for(visit_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """The photos of these visits as PhotoBrief, by visit (one query)."""
    ids = list(visit_ids)
    found: dict[uuid.UUID, list[dict[str, Any]]] = {key: [] for key in ids}
    if not ids:
        return found
    for photo in db.session.scalars(select(Photo).where(Photo.visit_id.in_(ids))
                                    .order_by(Photo.created_at, Photo.id)):
        found[photo.visit_id].append({
            "id": str(photo.id), "complete": photo.complete, "taken_at": photo.taken_at.isoformat(),
            "caption": photo.caption,
            "thumbnail_url": url_for("photos.thumbnail", photo_id=photo.id) if photo.complete else None,
        })
    return found


@dataclass(frozen=True)
class PhotoSummary:
    """What a review queue row shows: how many photos a visit has and the first one's id."""

    count: int
    first_id: uuid.UUID


def summaries_for(visit_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, PhotoSummary]:
    """The complete photos of these visits, counted (one query); visits without any are absent."""
    ids = list(visit_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Photo.visit_id, Photo.id).where(Photo.visit_id.in_(ids), Photo.complete.is_(True))
        .order_by(Photo.visit_id, Photo.created_at, Photo.id)).all()
    summaries: dict[uuid.UUID, PhotoSummary] = {}
    for visit_id, photo_id in rows:
        known = summaries.get(visit_id)
        summaries[visit_id] = PhotoSummary(1, photo_id) if known is None else \
            PhotoSummary(known.count + 1, known.first_id)
    return summaries


def rules_for_devices() -> dict[str, int]:
    """The photo limits the server checks, for the phone to check the same (bootstrap rules)."""
    config = current_app.config
    return {"max_photo_bytes": config["MAX_PHOTO_BYTES"],
            "max_photos_per_visit": config["MAX_PHOTOS_PER_VISIT"], "max_photo_caption": MAX_CAPTION}


# -- declaring ----------------------------------------------------------------------------------

def declare(user: User, visit_id: uuid.UUID, data: dict[str, Any]) -> tuple[Photo, bool]:
    """Declare a photo of the caller's visit (PhotoIn, loaded). Returns it and whether it is new.

    Idempotent by the photo's id: the same declaration again returns the stored photo as it is
    (with its current offset); the same id with other bytes or on another visit is a conflict.
    """
    current = visit_store.locked_copy(visit_id)  # the change lock: no approval meanwhile
    if current is None or current["cadre_id"] != user.id:
        raise _not_found()
    existing = db.session.get(Photo, data["id"])
    if existing is not None:
        same = (existing.visit_id == visit_id and existing.uploader_id == user.id
                and existing.sha256 == data["sha256"].lower() and existing.size == data["size"])
        if not same:
            raise Refused("photo_conflict", _("A different photo was already sent with this id."))
        if existing.complete or current["status"] != VisitStatus.APPROVED:
            return existing, False
    if current["status"] == VisitStatus.APPROVED:
        raise _locked()
    limit = current_app.config["MAX_PHOTOS_PER_VISIT"]
    count = db.session.scalar(select(func.count()).select_from(Photo).where(Photo.visit_id == visit_id))
    if count >= limit:
        raise Refused("too_many_photos", _("A visit has at most %(count)d photos.", count=limit))
    photo = Photo(id=data["id"], visit_id=visit_id, uploader_id=user.id, sha256=data["sha256"].lower(),
                  size=data["size"], content_type=data["content_type"], taken_at=data["taken_at"],
                  caption=data["caption"].strip(), offset=0, complete=False)
    db.session.add(photo)
    db.session.flush()
    return photo, True


# -- receiving bytes ----------------------------------------------------------------------------

def receive_chunk(user: User, photo_id: uuid.UUID, offset: int, chunk: bytes) -> Photo:
    """Append ``chunk`` at ``offset`` of the caller's photo; when it is the last one, check and
    keep the photo. The chunk is durable before this returns (the answer promises it)."""
    photo = _own_photo_for_update(user, photo_id)
    if photo.complete:
        if offset == photo.size and not chunk:
            return photo  # a retry of the last answer: nothing to do
        raise Refused("offset_mismatch", _("The server has the whole photo already."), offset=photo.size)
    if photo.visit.status == VisitStatus.APPROVED:
        raise _locked()
    kept = current_offset(photo)
    if offset != kept:
        raise Refused("offset_mismatch", _("Continue the upload from byte %(offset)d.", offset=kept),
                      offset=kept)
    if offset + len(chunk) > photo.size:
        raise Refused("past_end", _("The chunk goes past the declared size of the photo."))
    if chunk:
        photo.offset = photo_store().append(photo.id, offset, chunk)
    if photo.offset == photo.size:
        _finish(user, photo)
    return photo


def _finish(user: User, photo: Photo) -> None:
    """Every byte is here: the checksum, then Pillow, then the photo is kept (re-encoded: only the
    image, see server/photos/images.py) with its thumbnail."""
    store = photo_store()
    with store.open_partial(photo.id) as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
        if digest != photo.sha256:
            store.discard_partial(photo.id)
            photo.offset = 0
            raise Discarded("checksum_mismatch", _("The photo arrived damaged (its checksum differs). "
                                                   "It will be sent again from the start."), offset=0)
        file.seek(0)
        try:
            checked = check_image(file, current_app.config["MAX_PHOTO_PIXELS"])
        except NotAnImage as error:
            store.discard_partial(photo.id)
            db.session.delete(photo)
            raise Discarded("not_an_image", str(error)) from error
    current = visit_store.locked_copy(photo.visit_id)
    if current is None or current["status"] == VisitStatus.APPROVED:
        raise _locked()
    store.finish(photo.id, checked.original, checked.thumbnail)
    photo.complete = True
    photo.completed_at = utcnow()
    photo.content_type = checked.content_type  # what the bytes are, whatever was declared
    photo.width, photo.height = checked.width, checked.height
    record("photo_added", "visit", photo.visit_id, user.id, photo_id=str(photo.id),
           version=current["version"], size=photo.size)


# -- removing -----------------------------------------------------------------------------------

def remove(user: User, photo_id: uuid.UUID) -> None:
    """The cadre removes a photo from a visit they may still change; its files go at commit."""
    photo = _own_photo_for_update(user, photo_id)
    current = visit_store.locked_copy(photo.visit_id)
    if current is None or current["status"] == VisitStatus.APPROVED:
        raise _locked()
    if photo.complete:
        record("photo_removed", "visit", photo.visit_id, user.id, photo_id=str(photo.id),
               version=current["version"])
    db.session.delete(photo)
    db.session.flush()
    _delete_files_after_commit(photo.id)


def prune_pending(older_than: timedelta) -> int:
    """Remove the photos still uploading that were declared more than ``older_than`` ago; a phone
    that comes back later finds them gone (404) and declares them again."""
    stale = list(db.session.scalars(select(Photo).where(
        Photo.complete.is_(False), Photo.created_at < utcnow() - older_than).with_for_update()))
    for photo in stale:
        db.session.delete(photo)
        _delete_files_after_commit(photo.id)
    db.session.flush()
    return len(stale)


_PENDING = "photos_to_delete"


def _delete_files_after_commit(photo_id: uuid.UUID) -> None:
    """Files and objects are not transactional: remove them only once the row's deletion is
    committed. A store that writes in the transaction (the database's) removes them in it."""
    store = photo_store()
    if store.transactional:
        store.delete(photo_id)
        return
    db.session.info.setdefault(_PENDING, []).append(photo_id)


@event.listens_for(Session, "after_commit")
def _delete_files(session: Session) -> None:
    for photo_id in session.info.pop(_PENDING, []):
        photo_store().delete(photo_id)


@event.listens_for(Session, "after_rollback")
def _keep_files(session: Session) -> None:
    session.info.pop(_PENDING, None)


def complete_photos(visit: Visit) -> list[Photo]:
    """The photos of a visit a reviewer can look at (every byte arrived and checked)."""
    return [photo for photo in visit_photos(visit.id) if photo.complete]
