"""Applying visits pushed by a device (or saved by the web form): validate, decide, write.

Each item is validated on its own (``VisitIn``, then unit scope, topics, placement and its
tasks, and hearing directions: the cadre's own, open or already linked to this visit) and decided
on its own against the stored copy: created, updated, unchanged, conflict, locked or invalid. A bad
item never spoils the others. Applying is idempotent by ``id``: a retry of what the server already
holds answers ``unchanged``. A visit of another cadre is never read back or touched (it answers
``invalid``, as an unknown id would). Messages follow the current locale.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from server.api.validation import translate_errors
from server.auth.models import User
from server.auth.permissions import unit_recording_rule
from server.extensions import db
from server.hearings.models import Direction
from server.planning.models import Placement
from server.visits import store
from server.visits.models import Topic, Visit, VisitStatus, visit_directions
from server.visits.wire import STORED_CONTENT, VisitIn, stored, to_wire

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
CONFLICT, LOCKED, INVALID = "conflict", "locked", "invalid"
RESULT_STATUSES = [CREATED, UPDATED, UNCHANGED, CONFLICT, LOCKED, INVALID]


@dataclass(frozen=True)
class PushResult:
    """The outcome of one pushed item. ``errors`` (invalid) maps fields to translated messages;
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


def load_items(schema: Any, items: Sequence[Any], results: list) -> list[tuple[int, dict]]:
    """Load each pushed item of one kind with ``schema``: ``(index, data)`` of those that load;
    each that does not gets its ``invalid`` result in ``results`` (same index), with its id if any.
    For the envelope's other kinds (accounts, directions done, closing reports)."""
    loaded = []
    for index, item in enumerate(items):
        try:
            loaded.append((index, schema.load(item)))
        except ValidationError as error:
            raw = item.get("id") if isinstance(item, dict) else None
            results[index] = PushResult(raw if isinstance(raw, str) else None, INVALID,
                                        errors=translate_errors(error.messages))
    return loaded


def push_visits(user: User, device_id: str, items: Sequence[Any]) -> list[PushResult]:
    """Validate and apply wire-format visits for ``user``; one result per item, in order.

    Flushes, never commits. Holds the change lock from the moment it reads the stored visits until
    the caller's commit, so concurrent pushes (threads, gunicorn workers) of the same visits apply
    one after the other and never duplicate a row.
    """
    results: list[PushResult | None] = [None] * len(items)
    candidates = _validate(user, items, results)
    if candidates:
        _apply(user, device_id, candidates, results)
    return results  # type: ignore[return-value]


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
    own_placements: dict[int, list[str]] = dict(db.session.execute(
        select(Placement.id, Placement.tasks).where(Placement.id.in_(placement_ids),
                                                    Placement.cadre_id == user.id)
    ).all()) if placement_ids else {}
    ticked_before = _ticked_before(user, loaded)

    usable_directions = _usable_directions(user, loaded)

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
        elif data["placement_tasks"]:
            tasks = set(own_placements.get(data["placement_id"]) or ())
            tasks |= ticked_before.get((data["id"], data["placement_id"]), set())
            foreign = [t for t in data["placement_tasks"] if t not in tasks]
            if data["placement_id"] is None:
                errors["placement_tasks"] = [_("Choose the placement these tasks belong to.")]
            elif foreign:
                errors["placement_tasks"] = [_("Not a task of this placement: %(tasks)s.",
                                               tasks="; ".join(foreign))]
        refused = [d for d in data["directions"] if (data["id"], d) not in usable_directions]
        if refused:
            errors["directions"] = [_("Not an open direction of yours: %(ids)s.",
                                      ids=", ".join(map(str, refused)))]
        if errors:
            results[index] = PushResult(str(data["id"]), INVALID, errors=errors)
        else:
            valid.append((index, data))
    return valid


def _ticked_before(user: User, loaded: list[tuple[int, dict]]) -> dict[tuple[uuid.UUID, int], set[str]]:
    """Tasks the stored copies already carry, by (visit id, placement id): a task the admin has
    reworded or removed since stays on a visit that is edited, as a closed direction does."""
    ids = {data["id"] for _, data in loaded if data["placement_tasks"]}
    if not ids:
        return {}
    rows = db.session.execute(select(Visit.id, Visit.placement_id, Visit.placement_tasks).where(
        Visit.id.in_(ids), Visit.cadre_id == user.id, Visit.placement_id.is_not(None)))
    return {(visit_id, placement_id): set(tasks or ()) for visit_id, placement_id, tasks in rows}


def _usable_directions(user: User, loaded: list[tuple[int, dict]]) -> set[tuple[uuid.UUID, int]]:
    """(visit id, direction id) pairs a visit may carry: the user's own open directions, and
    directions already linked to that visit (closed since, they stay on it when it is edited)."""
    wanted = {d for _, data in loaded for d in data["directions"]}
    if not wanted:
        return set()
    table = Direction.__table__
    own = dict(db.session.execute(
        select(table.c.id, table.c.state).where(table.c.id.in_(wanted), table.c.cadre_id == user.id)
    ).all())
    linked = set(db.session.execute(
        select(visit_directions.c.visit_id, visit_directions.c.direction_id)
        .where(visit_directions.c.visit_id.in_({data["id"] for _, data in loaded}))
    ).all())
    return {(data["id"], d) for _, data in loaded for d in data["directions"]
            if d in own and (own[d] == "open" or (data["id"], d) in linked)}


def decide(user: User, current: dict | None, base_version: int | None,
           content: dict[str, Any]) -> str:
    """What a pushed copy does to the stored one (``current``, None when there is none)."""
    if current is None:
        return CREATED if base_version is None else INVALID
    if current["cadre_id"] != user.id:
        return INVALID
    same = all(current[key] == content[key] for key in STORED_CONTENT)
    resubmit = current["status"] == VisitStatus.RETURNED and base_version == current["version"]
    if same and not resubmit:
        return UNCHANGED
    if current["status"] == VisitStatus.APPROVED:
        return LOCKED
    if base_version != current["version"]:
        return CONFLICT
    return UPDATED


def _apply(user: User, device_id: str, candidates: list[tuple[int, dict]],
           results: list[PushResult | None]) -> None:
    store.take_change_lock()
    stored_before = store.snapshots({data["id"] for _, data in candidates})
    state = dict(stored_before)  # the copies as this batch leaves them (an id may come twice)
    not_yours = {"id": [_("No visit of yours has this id.")]}
    for index, data in candidates:
        visit_id: uuid.UUID = data["id"]
        current = state.get(visit_id)
        content = stored(data)
        status = decide(user, current, data["base_version"], content)
        if status in (CREATED, UPDATED):
            client_time = data["client_updated_at"]
            base = current or {"id": visit_id, "cadre_id": user.id, "review_comment": None,
                               "reviewed_at": None, "reviewed_by_id": None}
            current = state[visit_id] = {
                **base, **content, "status": VisitStatus.SUBMITTED.value,
                "version": store.next_version(current),
                "device_id": device_id,
                "client_updated_at": client_time.astimezone(UTC) if client_time else None,
            }
        if status == INVALID:
            results[index] = PushResult(str(visit_id), INVALID, errors=not_yours)
        elif status == CONFLICT:
            results[index] = PushResult(str(visit_id), CONFLICT, current["version"], server=to_wire(current))
        else:
            results[index] = PushResult(str(visit_id), status, current["version"])
    changes = [store.Change(stored_before.get(key), copy, _action(stored_before.get(key)))
               for key, copy in state.items() if copy is not stored_before.get(key)]
    store.write_visits(changes, user.id)


def _action(before: dict | None) -> str:
    return "visit_created" if before is None else "visit_updated"
