"""The 90-day flag: a commune or ward in a cadre's charge that they have not visited for
``NOT_VISITED_DAYS`` days or more (or ever), on a counted visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from server.extensions import db
from server.planning.models import Assignment
from server.regime.counting import Counting
from server.regime.days import last_counted_day
from server.units.models import Unit, UnitKind

NOT_VISITED_DAYS = 90


def is_neglected(last_visit: date | None, on: date) -> bool:
    return last_visit is None or (on - last_visit).days >= NOT_VISITED_DAYS


@dataclass(frozen=True)
class Charge:
    """A grassroots unit in a cadre's charge on a day, and the last day they were there."""

    unit: Unit
    last_visit: date | None  # None: never, on a counted visit

    def neglected(self, on: date) -> bool:
        return is_neglected(self.last_visit, on)


def charges(cadre_ids: list[int], on: date, counting: Counting) -> dict[int, list[Charge]]:
    """By cadre: the communes and wards in their charge on ``on``, by name, with their last
    counted visit there. Two queries for any number of cadres."""
    charged = db.session.execute(
        select(Assignment.cadre_id, Unit).join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.cadre_id.in_(cadre_ids), Assignment.start_date <= on,
               (Assignment.end_date.is_(None)) | (Assignment.end_date >= on),
               Unit.kind.in_([UnitKind.COMMUNE, UnitKind.WARD]))
        .order_by(Unit.name, Unit.id)).all()
    last = last_counted_day(cadre_ids, {unit.id for _, unit in charged}, on, counting)
    found: dict[int, list[Charge]] = {cadre: [] for cadre in cadre_ids}
    seen: set[tuple[int, int]] = set()
    for cadre, unit in charged:
        if (cadre, unit.id) not in seen:
            found[cadre].append(Charge(unit, last.get((cadre, unit.id))))
        seen.add((cadre, unit.id))
    return found


def neglected(cadre_ids: list[int], on: date, counting: Counting) -> dict[int, list[Charge]]:
    """By cadre: the units in their charge flagged on ``on``."""
    return {cadre: [c for c in found if c.neglected(on)]
            for cadre, found in charges(cadre_ids, on, counting).items()}
