"""The year-end evaluation against a plan: per cadre days, visits, units, late reports; a summary.

Every figure is computed by SQL aggregation; Python only shapes the per-cadre rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from server.auth.models import Role, User
from server.extensions import db
from server.planning.models import Plan, PlanExemption
from server.reports.scope import Counting, share
from server.reports.sql import (
    day_diff,
    earlier_of,
    later_of,
    overlapping,
    reported_late,
    unindexed,
    walk_intervals,
)
from server.units.models import Unit
from server.visits.models import Visit, VisitForm

FORMS = tuple(VisitForm)


@dataclass(frozen=True)
class CadreRow:
    cadre_id: int
    full_name: str
    unit_name: str
    #: None: fully exempt for the plan's year
    minimum_days: int | None
    exemption_reason: str | None
    days: int
    visits: int
    by_form: dict[str, int]
    units_visited: int
    late: int

    @property
    def met(self) -> bool | None:
        if self.minimum_days is None:
            return None
        return self.days >= self.minimum_days


@dataclass(frozen=True)
class YearSummary:
    covered: int
    exempt: int
    with_a_visit: int
    meeting_minimum: int
    visits: int
    days: int
    late: int
    visits_by_form: dict[str, int]
    days_by_form: dict[str, int]

    def share(self, count: int) -> float:
        return share(count, self.covered)


@dataclass(frozen=True)
class YearReport:
    plan: Plan
    unit: Unit
    counting: Counting
    rows: list[CadreRow]
    summary: YearSummary
    visits_by_month: dict[int, dict[str, int]] = field(default_factory=dict)


def covered(unit: Unit, home: type[Unit] | Any = Unit) -> tuple:
    """Conditions on users (joined to their unit as ``home``) that the plan applies to: in the
    subtree, active, full-time, not probationary, not admins."""
    return (home.path.startswith(unit.path, autoescape=True), User.active.is_(True),
            User.is_full_time.is_(True), User.is_probationary.is_(False), User.role != Role.ADMIN)


def plan_cadres(plan: Plan, unit: Unit):
    return select(User.id).join(Unit, User.unit_id == Unit.id).where(*covered(unit))


def counted_visits(plan: Plan, unit: Unit, counting: Counting):
    """The visits that count for the plan's year: by cadres of the subtree, in a counted state,
    overlapping the year, with their dates clipped to the year (a visit from 30 December to
    2 January counts two days in each year)."""
    first, last = date(plan.year, 1, 1), date(plan.year, 12, 31)
    home = aliased(Unit)
    # joined rather than ``cadre_id IN (…)``: SQLite would then walk thousands of cadres through
    # an index into scattered rows, where one range of the report index reads the year in order
    return (select(Visit.cadre_id.label("key"), Visit.unit_id, Visit.form, Visit.start_date,
                   Visit.received_at, Visit.end_date,
                   later_of(Visit.start_date, first).label("s"),
                   earlier_of(Visit.end_date, last).label("e"))
            .join(User, User.id == Visit.cadre_id).join(home, home.id == User.unit_id)
            .where(*covered(unit, home), unindexed(Visit.status).in_(counting.statuses),
                   *overlapping(first, last))
            .subquery("counted"))


def year_report(plan: Plan, unit: Unit, counting: Counting) -> YearReport:
    """Two passes over the year's counted visits: one per cadre (figures and merged days in one
    GROUP BY over the window walk), one per month and form (the chart and the summary by form)."""
    counted = counted_visits(plan, unit, counting)
    walked, added = walk_intervals(counted, order_by=counted.c.start_date)
    per_form = [func.sum(case((walked.c.form == f.value, 1), else_=0)).label(f"form_{f.value}")
                for f in FORMS]
    stats = (select(walked.c.key, func.count().label("visits"), func.sum(added).label("days"),
                    func.count(func.distinct(walked.c.unit_id)).label("units"),
                    func.sum(case((reported_late(walked.c.received_at, walked.c.end_date), 1), else_=0))
                    .label("late"), *per_form)
             .group_by(walked.c.key).subquery("stats"))
    query = (
        select(User.id, User.full_name, Unit.name, PlanExemption.id.label("exemption_id"),
               PlanExemption.reason, PlanExemption.minimum_days, stats)
        .join(Unit, User.unit_id == Unit.id)
        .outerjoin(PlanExemption, and_(PlanExemption.cadre_id == User.id, PlanExemption.plan_id == plan.id))
        .outerjoin(stats, stats.c.key == User.id)
        .where(*covered(unit))
        .order_by(Unit.path, User.full_name, User.id)
    )
    rows = []
    for r in db.session.execute(query).mappings():
        minimum = plan.minimum_days if r["exemption_id"] is None else r["minimum_days"]
        rows.append(CadreRow(
            cadre_id=r["id"], full_name=r["full_name"], unit_name=r["name"], minimum_days=minimum,
            exemption_reason=r["reason"], days=int(r["days"] or 0), visits=int(r["visits"] or 0),
            by_form={f.value: int(r[f"form_{f.value}"] or 0) for f in FORMS},
            units_visited=int(r["units"] or 0), late=int(r["late"] or 0)))
    by_month, days_by_form = _by_month_and_form(counted_visits(plan, unit, counting))
    return YearReport(plan, unit, counting, rows, _summary(rows, days_by_form), by_month)


def _summary(rows: list[CadreRow], days_by_form: dict[str, int]) -> YearSummary:
    cadres = [r for r in rows if r.minimum_days is not None]
    return YearSummary(
        covered=len(cadres), exempt=len(rows) - len(cadres),
        with_a_visit=sum(1 for r in cadres if r.visits), meeting_minimum=sum(1 for r in cadres if r.met),
        visits=sum(r.visits for r in rows), days=sum(r.days for r in rows), late=sum(r.late for r in rows),
        visits_by_form={f.value: sum(r.by_form[f.value] for r in rows) for f in FORMS},
        days_by_form=days_by_form)


def _by_month_and_form(visits) -> tuple[dict[int, dict[str, int]], dict[str, int]]:
    """Visits per month of their (clipped) start date and form, for the stacked bar chart; and each
    form's days (each visit's own days, not merged across visits)."""
    month = func.extract("month", visits.c.s)
    table = {m: dict.fromkeys((f.value for f in FORMS), 0) for m in range(1, 13)}
    days_by_form = dict.fromkeys((f.value for f in FORMS), 0)
    for m, form, count, days in db.session.execute(
            select(month, visits.c.form, func.count(), func.sum(day_diff(visits.c.s, visits.c.e) + 1))
            .group_by(month, visits.c.form)):
        table[int(m)][form] = int(count)
        days_by_form[form] += int(days or 0)
    return table, days_by_form


def plans() -> list[Plan]:
    return list(db.session.scalars(select(Plan).order_by(Plan.year.desc())))
