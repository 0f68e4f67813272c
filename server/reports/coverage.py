"""Coverage: which grassroots units of a subtree were visited in a period, and which were not.

Units reorganised in 2025 (``Unit.successor``) roll their visits up to the unit that took them
over, so a merged commune's history is not lost. All counting is done in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.selectable import Select, Subquery

from server.auth.models import User
from server.extensions import db
from server.planning.models import Assignment
from server.regime.counting import Counting, share
from server.regime.days import overlapping
from server.regime.sql import unindexed
from server.regime.units import succession
from server.reports.sql import earlier_of
from server.units.models import Unit, UnitKind
from server.visits.models import Visit

GRASSROOTS = (UnitKind.COMMUNE, UnitKind.WARD)


@dataclass(frozen=True)
class UnitCoverage:
    unit_id: int
    name: str
    code: str | None
    parent_name: str
    #: the parent of the units merged into this one (a former district), if any
    former_parent: str | None
    visits: int
    last_visit: date | None
    in_charge: str

    @property
    def visited(self) -> bool:
        return self.visits > 0


@dataclass(frozen=True)
class CoverageGroup:
    #: the former district for units made in 2025 out of others, else the parent unit
    parent_name: str
    units: list[UnitCoverage]

    @property
    def visited(self) -> int:
        return sum(1 for u in self.units if u.visited)

    @property
    def share(self) -> float:
        return share(self.visited, len(self.units))


@dataclass(frozen=True)
class CoverageReport:
    unit: Unit
    first: date
    last: date
    counting: Counting
    groups: list[CoverageGroup]

    @property
    def units(self) -> list[UnitCoverage]:
        return [u for g in self.groups for u in g.units]

    @property
    def visited(self) -> int:
        return sum(g.visited for g in self.groups)

    @property
    def total(self) -> int:
        return sum(len(g.units) for g in self.groups)

    @property
    def share(self) -> float:
        return share(self.visited, self.total)


def shown_units(root: Unit, on: date) -> Select:
    """Grassroots units of the subtree that exist on ``on`` (the period's last day)."""
    return select(Unit.id).where(
        Unit.kind.in_(GRASSROOTS), Unit.path.startswith(root.path, autoescape=True),
        or_(Unit.valid_from.is_(None), Unit.valid_from <= on),
        or_(Unit.valid_to.is_(None), Unit.valid_to >= on))


def rolled_up(shown: Select) -> Subquery:
    """``(src, unit_id)``: each unit, and the shown unit its visits count for, following successors
    until one is shown."""
    chain = succession("chain", stop_at=shown)
    return select(chain.c.src, chain.c.cur.label("unit_id")).where(chain.c.cur.in_(shown)).subquery("rolled")


def former_parents():
    """``(unit_id, name)``: for a unit that took over others, the parent of those others (their
    former district), so the communes made in 2025 directly under the province still group by
    the district they came from."""
    old, old_parent = aliased(Unit), aliased(Unit)
    return (select(old.successor_id.label("unit_id"), func.min(old_parent.name).label("name"))
            .join(old_parent, old_parent.id == old.parent_id)
            .where(old.successor_id.is_not(None), old_parent.kind == UnitKind.DISTRICT)
            .group_by(old.successor_id).subquery("former"))


def visits_per_unit(first: date, last: date, counting: Counting):
    """``(unit_id, visits, last_visit)`` for every unit visited in the period, before any roll-up.

    Aggregated per visited unit first (one range of the report index), then rolled up to the
    shown units: joining visits to the roll-up directly lets SQLite seek unit by unit into
    scattered rows.
    """
    return (select(Visit.unit_id, func.count().label("visits"),
                   func.max(earlier_of(Visit.end_date, last)).label("last_visit"))
            .where(unindexed(Visit.status).in_(counting.statuses), *overlapping(first, last))
            .group_by(Visit.unit_id))


def coverage_report(root: Unit, first: date, last: date, counting: Counting) -> CoverageReport:
    shown = shown_units(root, last)
    rolled = rolled_up(shown)
    per_unit = visits_per_unit(first, last, counting).subquery("per_unit")
    stats = (select(rolled.c.unit_id, func.sum(per_unit.c.visits).label("visits"),
                    func.max(per_unit.c.last_visit).label("last_visit"))
             .join(per_unit, per_unit.c.unit_id == rolled.c.src)
             .group_by(rolled.c.unit_id).subquery("stats"))
    parent, former = aliased(Unit), former_parents()
    group = func.coalesce(former.c.name, parent.name)
    rows = db.session.execute(
        select(Unit.id, Unit.name, Unit.code, parent.name.label("parent_name"), former.c.name.label("former"),
               group.label("group_name"), stats.c.visits, stats.c.last_visit)
        .join(parent, parent.id == Unit.parent_id)
        .outerjoin(former, former.c.unit_id == Unit.id)
        .outerjoin(stats, stats.c.unit_id == Unit.id)
        .where(Unit.id.in_(shown))
        .order_by(group, Unit.name, Unit.id)).all()
    in_charge = _in_charge(shown, first, last)
    groups: dict[str, list[UnitCoverage]] = {}
    for r in rows:
        last_visit = r.last_visit
        if isinstance(last_visit, str):  # SQLite hands back a CASE over dates as text
            last_visit = date.fromisoformat(last_visit)
        groups.setdefault(r.group_name, []).append(UnitCoverage(
            r.id, r.name, r.code, r.parent_name, r.former, int(r.visits or 0), last_visit,
            ", ".join(in_charge.get(r.id, []))))
    return CoverageReport(root, first, last, counting, [CoverageGroup(p, u) for p, u in groups.items()])


def _in_charge(shown, first: date, last: date) -> dict[int, list[str]]:
    """Cadres assigned to each shown unit at some time in the period (one query, a row each)."""
    result: dict[int, list[str]] = {}
    for unit_id, name in db.session.execute(
            select(Assignment.unit_id, User.full_name).join(User, User.id == Assignment.cadre_id)
            .where(Assignment.unit_id.in_(shown), Assignment.start_date <= last,
                   or_(Assignment.end_date.is_(None), Assignment.end_date >= first))
            .order_by(Assignment.unit_id, User.full_name)):
        result.setdefault(unit_id, []).append(name)
    return result
