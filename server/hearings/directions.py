"""Writing directions: every change bumps the version and takes the next number in the
directions' change sequence (how a phone's pull finds it) and leaves an audit entry.

The sequence is a row of ``change_counters`` (name ``directions``) updated in the writer's
transaction, so, as for visits, its row lock is held to commit and a pull cursor never skips a
change that commits late.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update

from server.audit.services import record
from server.db import upsert_insert, utcnow
from server.extensions import db
from server.hearings.models import Direction, DirectionState
from server.visits.models import ChangeCounter

COUNTER = "directions"


def next_change_seq() -> int:
    """Take the directions' change lock and the next number (held until commit)."""
    stmt = (update(ChangeCounter).where(ChangeCounter.name == COUNTER)
            .values(value=ChangeCounter.value + 1).returning(ChangeCounter.value))
    value = db.session.execute(stmt).scalar_one_or_none()
    if value is None:
        first = upsert_insert(ChangeCounter).values(name=COUNTER, value=0).on_conflict_do_nothing()
        db.session.execute(first)
        value = db.session.execute(stmt).scalar_one()
    return value


def locked(direction_id: int) -> Direction | None:
    """The direction as stored, read after taking the change lock (what a change starts from)."""
    next_change_seq()  # the lock; a number lost to a no-op change only leaves a gap
    direction = db.session.get(Direction, direction_id, populate_existing=True)
    return direction


def create(*, hearing_id: int, cadre_id: int, text: str, due_date: date, unit_id: int | None,
           topic_id: int | None, actor_id: int) -> Direction:
    direction = Direction(hearing_id=hearing_id, cadre_id=cadre_id, text=text, due_date=due_date,
                          unit_id=unit_id, topic_id=topic_id, state=DirectionState.OPEN, version=1,
                          change_seq=next_change_seq())
    db.session.add(direction)
    db.session.flush()
    record("direction_created", "direction", direction.id, actor_id, hearing_id=hearing_id,
           cadre_id=cadre_id, text=text, due_date=due_date.isoformat(), unit_id=unit_id,
           topic_id=topic_id)
    return direction


def change(direction: Direction, actor_id: int, action: str, **values: Any) -> Direction:
    """Apply ``values`` to a direction read with ``locked``: version + 1, a new change number."""
    changed = {name: [_json(getattr(direction, name)), _json(value)]
               for name, value in values.items() if getattr(direction, name) != value}
    for name, value in values.items():
        setattr(direction, name, value)
    direction.version += 1
    direction.change_seq = next_change_seq()
    direction.updated_at = utcnow()
    db.session.flush()
    record(action, "direction", direction.id, actor_id, version=direction.version, changes=changed)
    return direction


def _json(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return None if value is None else value if isinstance(value, int | float | bool) else str(value)


def open_for(cadre_id: int) -> list[Direction]:
    """The cadre's open directions, soonest due first."""
    return list(db.session.scalars(
        select(Direction).where(Direction.cadre_id == cadre_id, Direction.state == DirectionState.OPEN)
        .order_by(Direction.due_date, Direction.id)))


def changed_since(cadre_id: int, since: int, limit: int) -> tuple[list[Direction], int, bool]:
    """The cadre's directions changed after ``since``, in change order: (page, cursor, more)."""
    rows = list(db.session.scalars(
        select(Direction).where(Direction.cadre_id == cadre_id, Direction.change_seq > since)
        .order_by(Direction.change_seq).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].change_seq if rows else since), more
