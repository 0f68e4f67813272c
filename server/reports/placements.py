"""Probationary placements: per placement, days logged against its length, tasks covered and not,
mentor, closing report.

A task counts as covered when a counted visit of the placement (one that logs some of its days:
inside its dates, approved, or approved and submitted, as the report counts) says it carried the
task out: the visit form offers the placement's tasks as ticks (``Visit.placement_tasks``). A task
is matched by its words, so a task the admin rewords afterwards is no longer covered until a visit
ticks the new wording."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from server.auth.models import User
from server.auth.permissions import people_of_subtree
from server.extensions import db
from server.planning.models import Placement, PlacementReport
from server.regime.counting import Counting
from server.regime.days import days_of, placement_days, placement_visits
from server.reports.coverage import former_parents
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
    #: the placement's tasks that a counted visit carried out, in the placement's order
    covered: list[str]
    mentor_name: str | None
    closing_report: str | None
    cadre_id: int
    #: the unit's former district when it was made out of others (``coverage.former_parents``),
    #: else its parent unit's name
    district: str

    @property
    def length(self) -> int:
        return days_of(self.start_date, self.end_date)

    @property
    def complete(self) -> bool:
        return self.days_logged >= self.length

    @property
    def not_covered(self) -> list[str]:
        return [task for task in self.tasks if task not in self.covered]


@dataclass(frozen=True)
class PlacementsReport:
    unit: Unit
    first: date
    last: date
    counting: Counting
    rows: list[PlacementRow]


def placements_query(root: Unit, first: date, last: date, counting: Counting) -> Select:
    """A row per placement: the placement, its cadre's and unit's names, days logged, the report,
    the unit's (former) district."""
    days, parent, former = placement_days(counting), aliased(Unit), former_parents()
    district = func.coalesce(former.c.name, parent.name, Unit.name)
    return (select(Placement, User.full_name, Unit.name, days.c.days, PlacementReport.text, district)
            .join(User, User.id == Placement.cadre_id).join(Unit, Unit.id == Placement.unit_id)
            .outerjoin(parent, parent.id == Unit.parent_id)
            .outerjoin(former, former.c.unit_id == Unit.id)
            .outerjoin(days, days.c.key == Placement.id)
            .outerjoin(PlacementReport, PlacementReport.placement_id == Placement.id)
            .where(Placement.cadre_id.in_(people_of_subtree(root)), Placement.start_date <= last,
                   Placement.end_date >= first)
            .order_by(Placement.start_date, User.full_name, Placement.id))


def ticked_query(placement_ids: list[int], counting: Counting) -> Select:
    """The task lists of these placements' counted visits."""
    return (select(Visit.placement_id, Visit.placement_tasks)
            .join(Placement, Placement.id == Visit.placement_id)
            .where(Visit.placement_id.in_(placement_ids), *placement_visits(counting)))


def placements_report(root: Unit, first: date, last: date, counting: Counting) -> PlacementsReport:
    """Placements of the subtree's probationary cadres (``people_of_subtree``, wherever they were
    placed) that overlap the period. A placement's days are the days
    of its visits inside the placement, each day once (two visits on one day log one day)."""
    rows = db.session.execute(placements_query(root, first, last, counting)).all()
    ticked = _ticked([p.id for p, *_ in rows], counting)
    return PlacementsReport(root, first, last, counting, [
        PlacementRow(p.id, cadre, unit, p.start_date, p.end_date, int(d or 0), list(p.tasks or []),
                     [t for t in p.tasks or [] if t in ticked.get(p.id, ())], p.mentor_name, report,
                     cadre_id=p.cadre_id, district=district)
        for p, cadre, unit, d, report, district in rows])


def _ticked(placement_ids: list[int], counting: Counting) -> dict[int, set[str]]:
    """The tasks each placement's counted visits carried out. Only those visits are read, through
    the index on ``visits.placement_id``: a placement has a week of visits, so this stays small
    whatever the number of visits (the lists are JSON, unioned here)."""
    ticked: dict[int, set[str]] = {}
    for chunk in (placement_ids[i:i + 500] for i in range(0, len(placement_ids), 500)):
        for placement_id, tasks in db.session.execute(ticked_query(chunk, counting)):
            ticked.setdefault(placement_id, set()).update(tasks or ())
    return ticked
