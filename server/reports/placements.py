"""Probationary placements: per placement, days logged against its length, tasks, mentor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from server.auth.models import User
from server.extensions import db
from server.planning.models import Placement
from server.reports.scope import Counting
from server.reports.sql import earlier_of, later_of, merged_days
from server.units.models import Unit
from server.visits.models import Visit


@dataclass(frozen=True)
class PlacementRow:
    placement_id: int
    cadre_name: str
    unit_name: str
    start_date: date
    end_date: date
    days_logged: int
    tasks: list[str]
    mentor_name: str | None
    closing_report: str | None

    @property
    def length(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def complete(self) -> bool:
        return self.days_logged >= self.length


@dataclass(frozen=True)
class PlacementsReport:
    unit: Unit
    first: date
    last: date
    counting: Counting
    rows: list[PlacementRow]


def placements_report(root: Unit, first: date, last: date, counting: Counting) -> PlacementsReport:
    """Placements at units of the subtree that overlap the period. A placement's days are the days
    of its visits inside the placement, each day once (two visits on one day log one day)."""
    logged = (select(Visit.placement_id.label("key"),
                     later_of(Visit.start_date, Placement.start_date).label("s"),
                     earlier_of(Visit.end_date, Placement.end_date).label("e"))
              .join(Placement, Placement.id == Visit.placement_id)
              .where(Visit.status.in_(counting.statuses), Visit.start_date <= Placement.end_date,
                     Visit.end_date >= Placement.start_date)
              .subquery("logged"))
    days = merged_days(logged).subquery("days")
    rows = db.session.execute(
        select(Placement, User.full_name, Unit.name, days.c.days)
        .join(User, User.id == Placement.cadre_id).join(Unit, Unit.id == Placement.unit_id)
        .outerjoin(days, days.c.key == Placement.id)
        .where(Unit.path.startswith(root.path, autoescape=True), Placement.start_date <= last,
               Placement.end_date >= first)
        .order_by(Placement.start_date, User.full_name, Placement.id)).all()
    return PlacementsReport(root, first, last, counting, [
        PlacementRow(p.id, cadre, unit, p.start_date, p.end_date, int(d or 0), list(p.tasks or []),
                     p.mentor_name, p.closing_report)
        for p, cadre, unit, d in rows])
