"""Unit tree operations: create units with their path, list subtrees."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Select, or_, select

from server.audit.services import record
from server.extensions import db
from server.units.models import Unit


def create_unit(
    name: str,
    kind: str,
    parent: Unit | None = None,
    code: str | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Unit:
    """Add a unit under ``parent`` and set its materialised path (flushes, does not commit)."""
    unit = Unit(name=name, kind=kind, parent=parent, code=code, valid_from=valid_from, valid_to=valid_to)
    db.session.add(unit)
    db.session.flush()  # the id is part of the path
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    db.session.flush()
    return unit


def subtree_ids_query(root: Unit) -> Select:
    """A SELECT of the ids of ``root`` and every unit below it."""
    return select(Unit.id).where(Unit.path.startswith(root.path, autoescape=True))


def current_units_query(on: date) -> Select:
    """Units that exist on the given day."""
    return select(Unit).where(
        or_(Unit.valid_from.is_(None), Unit.valid_from <= on),
        or_(Unit.valid_to.is_(None), Unit.valid_to >= on),
    )


def is_within(unit: Unit, root: Unit) -> bool:
    """Say whether ``unit`` is ``root`` or below it."""
    return unit.path.startswith(root.path)


# -- administration: edit, retire, merge; successors for reports ---------------------------------

def code_taken(code: str, exclude_id: int | None = None) -> bool:
    """Say whether another unit already has this official code."""
    query = select(Unit.id).where(Unit.code == code)
    if exclude_id is not None:
        query = query.where(Unit.id != exclude_id)
    return db.session.scalar(query) is not None


def find_by_code(code: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def move_unit(unit: Unit, parent: Unit | None) -> None:
    """Put ``unit`` (with its subtree) under ``parent``, rewriting the materialised paths below it."""
    if parent is not None and is_within(parent, unit):
        raise ValueError("a unit cannot be moved under itself")
    old_path = unit.path
    new_path = f"{parent.path if parent else '/'}{unit.id}/"
    unit.parent = parent
    if new_path == old_path:
        return
    for node in db.session.scalars(select(Unit).where(Unit.path.startswith(old_path, autoescape=True))):
        node.path = new_path + node.path[len(old_path):]
    db.session.flush()


def retire_unit(unit: Unit, on: date, actor_id: int | None = None) -> None:
    """End a unit's validity on ``on`` (the last day it exists); it stays for history, never deleted."""
    unit.valid_to = on
    record("retire", "unit", unit.id, actor_id=actor_id, valid_to=on.isoformat())


def merge_units(sources: list[Unit], successor: Unit, on: date, actor_id: int | None = None) -> None:
    """Merge ``sources`` into ``successor`` from ``on``: each source ends the day before and points at it.

    Only the sources change: the successor keeps its own dates (an existing commune that takes
    others over existed before the merger, and reports for earlier periods must still show it).
    A unit made for the merger is created with ``valid_from=on`` by its caller.
    Visits keep their unit; reports follow ``successor_of`` to count them under the successor.
    """
    if any(source.id == successor.id for source in sources):
        raise ValueError("a unit cannot be merged into itself")
    for source in sources:
        source.valid_to = on - timedelta(days=1)
        source.successor = successor
    db.session.flush()
    record("merge", "unit", successor.id, actor_id=actor_id, sources=[s.id for s in sources],
           valid_from=on.isoformat())


def successor_of(unit: Unit) -> Unit:
    """The unit that carries ``unit`` on today: follows successors to the end (``unit`` if none).

    A chain of mergers (commune → merged commune → merged again) is followed to its last link;
    a cycle, which only bad data could make, stops where it would repeat.
    """
    seen = {unit.id}
    while unit.successor is not None and unit.successor.id not in seen:
        unit = unit.successor
        seen.add(unit.id)
    return unit


def current_unit_for(unit_id: int) -> int:
    """The id of the unit that a report should count ``unit_id``'s visits under."""
    unit = db.session.get(Unit, unit_id)
    return successor_of(unit).id if unit is not None else unit_id


def current_unit_map(unit_ids: set[int] | None = None) -> dict[int, int]:
    """``{unit_id: successor id}`` for many units in one query (reports roll visits up with it)."""
    rows = dict(db.session.execute(select(Unit.id, Unit.successor_id)).all())
    result = {}
    for start in (unit_ids if unit_ids is not None else rows):
        current, seen = start, {start}
        while rows.get(current) is not None and rows[current] not in seen:
            current = rows[current]
            seen.add(current)
        result[start] = current
    return result
