"""Unit tree operations: create units with their path, list subtrees."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, or_, select

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
