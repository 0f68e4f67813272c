"""Sync domain logic: apply pushed visits, list changes since a cursor, build the bootstrap.

Services flush, never commit: the caller (a view, the CLI, the web form) commits once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from server.api.validation import translate_errors
from server.audit.services import record
from server.auth.models import User
from server.auth.permissions import recordable_unit_ids, unit_recording_rule
from server.db import utcnow
from server.extensions import db
from server.home.services import minimum_days_for
from server.planning.models import Assignment, Placement
from server.sync.schemas import VisitIn
from server.time import today
from server.units.models import Unit
from server.units.services import current_units_query
from server.visits.labels import FORM_LABELS
from server.visits.models import Topic, Visit, VisitStatus, visit_topics
from server.visits.services import next_change_seqs

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
CONFLICT, LOCKED, INVALID = "conflict", "locked", "invalid"

#: what the cadre reports; two copies with equal content are the same visit (a retry)
CONTENT = ("unit_id", "start_date", "end_date", "form", "topics", "summary", "findings",
           "recommendations", "participants", "placement_id", "latitude", "longitude", "accuracy_m")
#: the visits columns a push writes
COLUMNS = (*CONTENT[:4], *CONTENT[5:], "id", "cadre_id", "status", "version", "device_id",
           "client_updated_at", "received_at", "updated_at", "change_seq")
#: what a snapshot carries besides the columns, for the server copy sent back in a conflict
EXTRA = ("review_comment", "reviewed_at")


@dataclass(frozen=True)
class PushResult:
    """The outcome of one pushed item: ``status`` is one of created, updated, unchanged,
    conflict, locked, invalid. ``errors`` (invalid) maps fields to translated messages;
    ``server`` (conflict) is the server's copy in the wire format."""

    id: str | None
    status: str
    version: int | None = None
    errors: dict[str, Any] | None = None
    server: dict[str, Any] | None = None

    @property
    def accepted(self) -> bool:
        return self.status in (CREATED, UPDATED, UNCHANGED)

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"id": self.id, "status": self.status, "version": self.version}
        if self.errors is not None:
            wire["errors"] = self.errors
        if self.server is not None:
            wire["server"] = self.server
        return wire


def push_visits(user: User, device_id: str, items: Sequence[Any]) -> list[PushResult]:
    """Validate and apply wire-format visits for ``user``; return one result per item, in order.

    ``items`` are JSON-like dicts in the wire format of DESIGN.md §4 (dates as ISO strings, ``id``
    a UUID string, ``base_version`` null for a new visit). Each item is validated on its own
    (VisitIn, then unit scope, topics and placement) and applied on its own: a bad item never
    spoils the others. Applying is idempotent by ``id``: a retry of what the server already
    holds answers ``unchanged``. A visit of another cadre is never read back or touched (it
    answers ``invalid``, as an unknown id would). Messages follow the current locale.

    Flushes, never commits; the caller commits. Holds the visits' change-sequence lock from the
    moment it reads the stored visits until the caller's commit, so concurrent pushes (threads,
    gunicorn workers) of the same visits apply one after the other and never duplicate a row.
    """
    results: list[PushResult | None] = [None] * len(items)
    candidates = _validate(user, items, results)
    if candidates:
        _apply(user, device_id, candidates, results)
    counts: dict[str, int] = {}
    for result in results:
        assert result is not None
        counts[result.status] = counts.get(result.status, 0) + 1
    record("sync_push", "device", device_id, actor_id=user.id, **counts)
    return results  # type: ignore[return-value]


# -- validation ---------------------------------------------------------------------------------

def _raw_id(item: Any) -> str | None:
    raw = item.get("id") if isinstance(item, dict) else None
    return raw if isinstance(raw, str) else None


def _validate(user: User, items: Sequence[Any], results: list[PushResult | None]) -> list[tuple[int, dict]]:
    """Check each item's shape, then all references in a few queries; return the valid items."""
    schema = VisitIn()
    loaded: list[tuple[int, dict]] = []
    for index, item in enumerate(items):
        try:
            loaded.append((index, schema.load(item)))
        except ValidationError as error:
            results[index] = PushResult(_raw_id(item), INVALID, errors=translate_errors(error.messages))
    if not loaded:
        return []
    allowed_unit = unit_recording_rule(user, {data["unit_id"] for _, data in loaded})
    topic_ids = {topic for _, data in loaded for topic in data["topics"]}
    known_topics = set(db.session.scalars(select(Topic.id).where(Topic.id.in_(topic_ids))))
    placement_ids = {data["placement_id"] for _, data in loaded} - {None}
    own_placements = set(db.session.scalars(
        select(Placement.id).where(Placement.id.in_(placement_ids), Placement.cadre_id == user.id)
    )) if placement_ids else set()

    valid = []
    for index, data in loaded:
        errors: dict[str, list[str]] = {}
        if not allowed_unit(data["unit_id"], data["start_date"]):
            errors["unit_id"] = [_("You cannot record visits for this unit.")]
        unknown = [t for t in data["topics"] if t not in known_topics]
        if unknown:
            errors["topics"] = [_("Unknown topic: %(ids)s.", ids=", ".join(map(str, unknown)))]
        if data["placement_id"] is not None and data["placement_id"] not in own_placements:
            errors["placement_id"] = [_("This placement is not yours.")]
        if errors:
            results[index] = PushResult(str(data["id"]), INVALID, errors=errors)
        else:
            valid.append((index, data))
    return valid


# -- applying -----------------------------------------------------------------------------------

def _content(data: dict) -> dict[str, Any]:
    """The stored form of a validated item's content."""
    location = data["location"] or {}
    return {
        "unit_id": data["unit_id"], "start_date": data["start_date"], "end_date": data["end_date"],
        "form": data["form"], "topics": tuple(sorted(set(data["topics"]))),
        "summary": data["summary"], "findings": data["findings"],
        "recommendations": data["recommendations"], "participants": data["participants"],
        "placement_id": data["placement_id"], "latitude": location.get("lat"),
        "longitude": location.get("lon"), "accuracy_m": location.get("accuracy_m"),
    }


def _snapshots(ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """The stored visits with these ids, as plain dicts (topics as a sorted tuple)."""
    ids = list(ids)
    table: Table = Visit.__table__  # type: ignore[assignment]
    columns = [table.c[name] for name in (*COLUMNS, *EXTRA)]
    rows = db.session.execute(select(*columns).where(table.c.id.in_(ids))).mappings().all()
    found = {row["id"]: {**row, "topics": ()} for row in rows}
    if found:
        topics: dict[uuid.UUID, list[int]] = {}
        for visit_id, topic_id in db.session.execute(
            select(visit_topics.c.visit_id, visit_topics.c.topic_id)
            .where(visit_topics.c.visit_id.in_(list(found)))
        ):
            topics.setdefault(visit_id, []).append(topic_id)
        for visit_id, topic_list in topics.items():
            found[visit_id]["topics"] = tuple(sorted(topic_list))
    return found


def _decide(user: User, current: dict | None, data: dict, content: dict) -> tuple[str, dict | None]:
    """The result for one item against the server's current copy, and the copy to store if any."""
    base = data["base_version"]
    if current is None:
        if base is not None:
            return INVALID, None
        return CREATED, {**content, "id": data["id"], "cadre_id": user.id,
                         "status": VisitStatus.SUBMITTED.value, "version": 1,
                         "review_comment": None, "reviewed_at": None}
    if current["cadre_id"] != user.id:
        return INVALID, None
    same = all(current[key] == content[key] for key in CONTENT)
    resubmit = current["status"] == VisitStatus.RETURNED and base == current["version"]
    if same and not resubmit:
        return UNCHANGED, None
    if current["status"] == VisitStatus.APPROVED:
        return LOCKED, None
    if base != current["version"]:
        return CONFLICT, None
    return UPDATED, {**current, **content, "status": VisitStatus.SUBMITTED.value,
                     "version": current["version"] + 1}


def _apply(user: User, device_id: str, candidates: list[tuple[int, dict]],
           results: list[PushResult | None]) -> None:
    # From here to commit no one else changes a visit: every writer takes this lock first.
    next_change_seqs(0)
    state = _snapshots({data["id"] for _, data in candidates})
    stored_before = set(state)
    changed: dict[uuid.UUID, dict] = {}
    now = utcnow()
    not_yours = {"id": [_("No visit of yours has this id.")]}
    for index, data in candidates:
        visit_id = data["id"]
        status, new = _decide(user, state.get(visit_id), data, _content(data))
        if new is not None:
            client_time = data["client_updated_at"]
            new.update(device_id=device_id, updated_at=now,
                       client_updated_at=client_time.astimezone(UTC) if client_time else None)
            new.setdefault("received_at", now)
            state[visit_id] = changed[visit_id] = new
        current = state.get(visit_id)
        if status == INVALID:
            results[index] = PushResult(str(visit_id), INVALID, errors=not_yours)
        elif status == CONFLICT:
            results[index] = PushResult(str(visit_id), CONFLICT, current["version"], server=to_wire(current))
        else:
            results[index] = PushResult(str(visit_id), status, current["version"])
    if changed:
        _write(changed, stored_before)


def _insert_fn():
    return pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _write(changed: dict[uuid.UUID, dict], stored_before: set[uuid.UUID]) -> None:
    """Store the final copy of each changed visit: one INSERT and one UPDATE statement per batch."""
    table: Table = Visit.__table__  # type: ignore[assignment]
    for seq, row in zip(next_change_seqs(len(changed)), changed.values(), strict=True):
        row["change_seq"] = seq
    new_rows = [{name: row[name] for name in COLUMNS}
                for key, row in changed.items() if key not in stored_before]
    old_rows = [{**{name: row[name] for name in COLUMNS if name != "id"}, "b_id": key}
                for key, row in changed.items() if key in stored_before]
    if new_rows:
        # The primary key is the unique key; ON CONFLICT makes a racing duplicate a no-op, never
        # a second row or an error. Under the change lock the race cannot happen; check anyway.
        stmt = _insert_fn()(table).on_conflict_do_nothing(index_elements=["id"]).returning(table.c.id)
        inserted = set(db.session.execute(stmt, new_rows).scalars())
        if len(inserted) != len(new_rows):
            raise ConcurrentChange()
    if old_rows:
        db.session.execute(update(table).where(table.c.id == bindparam("b_id")), old_rows)
        old_ids = [row["b_id"] for row in old_rows]
        db.session.execute(delete(visit_topics).where(visit_topics.c.visit_id.in_(old_ids)))
    links = [{"visit_id": key, "topic_id": topic} for key, row in changed.items() for topic in row["topics"]]
    if links:
        db.session.execute(visit_topics.insert(), links)


class ConcurrentChange(Exception):
    """A visit changed under us although we held the change lock: a writer broke the protocol."""


# -- reading ------------------------------------------------------------------------------------

def to_wire(row: dict[str, Any]) -> dict[str, Any]:
    """A visit snapshot (see ``_snapshots``) in the wire format of VisitOut."""
    location = None
    if row["latitude"] is not None and row["longitude"] is not None:
        location = {"lat": row["latitude"], "lon": row["longitude"], "accuracy_m": row["accuracy_m"]}
    return {
        "id": str(row["id"]), "unit_id": row["unit_id"],
        "start_date": row["start_date"].isoformat(), "end_date": row["end_date"].isoformat(),
        "form": row["form"], "topics": list(row["topics"]), "summary": row["summary"],
        "findings": row["findings"], "recommendations": row["recommendations"],
        "participants": row["participants"], "placement_id": row["placement_id"],
        "location": location, "client_updated_at": _iso(row["client_updated_at"]),
        "status": row["status"], "version": row["version"],
        "review_comment": row["review_comment"], "reviewed_at": _iso(row["reviewed_at"]),
        "received_at": _iso(row["received_at"]),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def visit_snapshot(visit: Visit) -> dict[str, Any]:
    """A loaded Visit as a snapshot dict."""
    row = {name: getattr(visit, name) for name in (*COLUMNS, *EXTRA)}
    row["topics"] = tuple(sorted(topic.id for topic in visit.topics))
    return row


def own_visit(user: User, visit_id: uuid.UUID) -> Visit | None:
    """The user's own visit with this id; None for an unknown id and for anyone else's."""
    visit = db.session.get(Visit, visit_id, options=[selectinload(Visit.topics)])
    return visit if visit is not None and visit.cadre_id == user.id else None


@dataclass(frozen=True)
class PullPage:
    visits: list[dict[str, Any]]
    cursor: int
    more: bool


def pull_changes(user: User, since: int, limit: int) -> PullPage:
    """The user's visits changed after ``since`` in change-sequence order, at most ``limit``.

    The sequence is handed out under a lock held to commit, so a change committed later always
    has a higher number: a client that walks the cursor never misses one.
    """
    visits = list(db.session.scalars(
        select(Visit).options(selectinload(Visit.topics))
        .where(Visit.cadre_id == user.id, Visit.change_seq > since)
        .order_by(Visit.change_seq).limit(limit + 1)
    ))
    more = len(visits) > limit
    visits = visits[:limit]
    cursor = visits[-1].change_seq if visits else since
    return PullPage([to_wire(visit_snapshot(v)) for v in visits], cursor, more)


# -- bootstrap ----------------------------------------------------------------------------------

def bootstrap(user: User) -> dict[str, Any]:
    """What a device needs to record visits offline, in the user's language (no server time)."""
    on = today()
    assigned = set(db.session.scalars(
        select(Assignment.unit_id).where(
            Assignment.cadre_id == user.id, Assignment.start_date <= on,
            (Assignment.end_date.is_(None)) | (Assignment.end_date >= on),
        )
    ))
    units = db.session.scalars(
        current_units_query(on).where(Unit.id.in_(recordable_unit_ids(user, on)))
    ).all()
    units = sorted(units, key=lambda u: (u.id not in assigned, u.path, u.id))
    placements = db.session.scalars(
        select(Placement).options(selectinload(Placement.unit))
        .where(Placement.cadre_id == user.id).order_by(Placement.start_date.desc(), Placement.id)
    ).all()
    topics = db.session.scalars(select(Topic).where(Topic.active.is_(True))).all()
    return {
        "user": {
            "id": user.id, "username": user.username, "full_name": user.full_name, "role": user.role,
            "locale": user.locale, "unit_id": user.unit_id, "unit_name": user.unit.name,
            "is_probationary": user.is_probationary, "is_full_time": user.is_full_time,
        },
        "units": [{"id": u.id, "name": u.name, "kind": u.kind, "code": u.code, "parent_id": u.parent_id,
                   "assigned": u.id in assigned} for u in units],
        "placements": [{"id": p.id, "unit_id": p.unit_id, "unit_name": p.unit.name,
                        "start_date": p.start_date.isoformat(), "end_date": p.end_date.isoformat(),
                        "tasks": list(p.tasks or []), "mentor_name": p.mentor_name} for p in placements],
        # in the admins' order (Topic.position), then by name in the reader's language
        "topics": [{"id": t.id, "name": t.name(user.locale)} for t in sorted(
            topics, key=lambda t: (t.position, t.name(user.locale).casefold(), t.id))],
        "forms": [{"code": code, "label": str(label)} for code, label in FORM_LABELS.items()],
        "plan": {"year": on.year, "minimum_days": minimum_days_for(user, on.year)},
    }
