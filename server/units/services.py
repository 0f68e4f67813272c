"""Unit tree operations: create units with their path, list subtrees."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, insert, or_, select, update

from server.audit.services import record_many
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
    retire_many([(unit, on)], actor_id)


def retire_many(retirements: list[tuple[Unit, date]], actor_id: int | None = None) -> None:
    """Several ``retire_unit`` at once, ``(unit, last day)`` each: one UPDATE and one audit INSERT."""
    db.session.flush()
    rows = [{"id": unit.id, "valid_to": on} for unit, on in retirements]  # read before they expire
    update_units(rows)
    record_many([{"action": "retire", "entity_type": "unit", "entity_id": row["id"],
                  "details": {"valid_to": row["valid_to"].isoformat()}} for row in rows], actor_id)


def merge_units(sources: list[Unit], successor: Unit, on: date, actor_id: int | None = None) -> None:
    """Merge ``sources`` into ``successor`` from ``on``: each source ends the day before and points at it.

    Only the sources change: the successor keeps its own dates (an existing commune that takes
    others over existed before the merger, and reports for earlier periods must still show it).
    A unit made for the merger is created with ``valid_from=on`` by its caller.
    Visits keep their unit; reports follow ``successor_of`` to count them under the successor.
    """
    merge_many([(sources, successor, on)], actor_id)


def merge_many(mergers: list[tuple[list[Unit], Unit, date]], actor_id: int | None = None) -> None:
    """Several mergers at once, each ``(sources, successor, on)`` as ``merge_units`` describes it:
    one UPDATE of every source and one audit INSERT (a reform imported from a file merges hundreds
    of communes; the ORM's flush of as many changed relationships took seconds)."""
    for sources, successor, _on in mergers:
        if any(source.id == successor.id for source in sources):
            raise ValueError("a unit cannot be merged into itself")
    db.session.flush()  # a successor made for the merger has its id
    # ids read before the UPDATE: it expires the loaded units, each read after would be a SELECT
    entries = [{"action": "merge", "entity_type": "unit", "entity_id": successor.id,
                "details": {"sources": [s.id for s in sources], "valid_from": on.isoformat()}}
               for sources, successor, on in mergers]
    update_units([{"id": source.id, "valid_to": on - timedelta(days=1), "successor_id": successor.id}
                  for sources, successor, on in mergers for source in sources])
    record_many(entries, actor_id)


# -- many units at once (CSV import): a few statements for the whole file ------------------------

def create_units(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert many units (``code``, ``name``, ``kind``, dates) in one statement; ``{code: id}``.

    They are outside the tree until ``set_parents`` places them (it writes the paths, which hold
    the ids): ``create_unit`` costs two flushes a unit, minutes for a province's file. No RETURNING:
    SQLite would then send one INSERT a row to keep the ids in order; one SELECT reads them instead.
    """
    if not rows:
        return {}
    db.session.execute(insert(Unit), [{"valid_from": None, "valid_to": None, **row, "parent_id": None,
                                       "path": ""} for row in rows])
    codes = [row["code"] for row in rows]
    return dict(db.session.execute(select(Unit.code, Unit.id).where(Unit.code.in_(codes))).all())


def update_units(rows: list[dict[str, Any]]) -> None:
    """Write fields of many units by id (``{"id": …, "name": …}``), one executemany."""
    if rows:
        db.session.execute(update(Unit), rows)
        _expire({row["id"] for row in rows})


def set_parents(parents: dict[int, int | None]) -> None:
    """Put units under new parents (``{unit id: parent id}``) and rewrite every materialised path
    that changes, their subtrees' included: one read of the tree, one executemany.

    Raises ValueError if the parents would go round in a circle.
    """
    tree = {unit_id: (parent_id, path)
            for unit_id, parent_id, path in db.session.execute(select(Unit.id, Unit.parent_id, Unit.path))}
    parent_of = {unit_id: parent_id for unit_id, (parent_id, _path) in tree.items()} | parents
    paths: dict[int, str] = {}
    for start in parent_of:
        chain, node = [], start
        while node is not None and node not in paths:
            if len(chain) > len(parent_of):
                raise ValueError("the parents go round in a circle")
            chain.append(node)
            node = parent_of[node]
        prefix = paths[node] if node is not None else "/"
        for unit_id in reversed(chain):
            prefix = paths[unit_id] = f"{prefix}{unit_id}/"
    changed = [{"id": unit_id, "parent_id": parent_of[unit_id], "path": paths[unit_id]}
               for unit_id, (parent_id, path) in tree.items()
               if (parent_id, path) != (parent_of[unit_id], paths[unit_id])]
    update_units(changed)


def _expire(unit_ids: set[int]) -> None:
    """Forget loaded copies of units written by a bulk statement (the session does not see those)."""
    # by the identity key, not obj.id: reading the id of a unit expired before would load it again
    for (cls, primary_key, *_token), obj in list(db.session.identity_map.items()):
        if cls is Unit and primary_key[0] in unit_ids:
            db.session.expire(obj)


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
