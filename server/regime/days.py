"""Days at the grassroots, weeks with one, visits, units reached and late reports, per cadre, for
any period: the one SQL implementation every screen, file and the phone's bootstrap use.

The rule: a visit counts when its review state is one the figure counts (returned never); it
brings its days inside the period (a visit from 30 September to 2 October gives September one day
and October two); a day counts once however many visits cover it. A week (Monday to Sunday) counts
when at least one of its days does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Date, case, func, literal, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Select, Subquery

from server.auth.models import User
from server.extensions import db
from server.planning.models import Placement, Plan
from server.regime.counting import Counting
from server.regime.coverage import covered
from server.regime.lateness import back_entered, late
from server.regime.sql import clipped, day_number, day_number_of, uncovered, unindexed, walk
from server.regime.units import final_units
from server.units.models import Unit
from server.visits.days import KEPT, CadreDay
from server.visits.models import Visit, VisitForm, VisitStatus
from server.visits.rules import MAX_TRIP_DAYS

FORMS = tuple(f.value for f in VisitForm)
_FORM_COLUMNS = tuple((form, f"form_{form}") for form in FORMS)


def days_of(start: date, end: date) -> int:
    """A trip's or a placement's own days: from start to end, both included."""
    return (end - start).days + 1


@dataclass
class DayFigures:
    """One cadre's figures for a period."""

    days: int = 0
    weeks: int = 0
    visits: int = 0
    #: grassroots units reached, a merged commune counted once with the unit that took it over
    units: int = 0
    late: int = 0
    back_entered: int = 0
    by_form: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FORMS, 0))


def overlapping(first: date, last: date) -> tuple:
    """Visits that share at least one day with ``first``–``last``.

    The lower bound on the start date is implied by the others (no visit lasts more than
    MAX_TRIP_DAYS, a rule of the one write path) but lets an index on ``start_date`` read only
    the period instead of everything before it.
    """
    return (Visit.start_date <= last, Visit.end_date >= first,
            Visit.start_date >= first - timedelta(days=MAX_TRIP_DAYS - 1))


def counted_visits(first: date, last: date, counting: Counting, *, plan: Plan | None = None,
                   cadre_ids: Iterable[int] | None = None, unit: Unit | None = None) -> Subquery:
    """The visits that count in ``first``–``last``, one row each: ``key`` (the cadre), the visit's
    unit, form, dates, lateness, and its day numbers clipped to the period (``s``, ``e``).

    The cadres are ``cadre_ids`` when given, else those ``plan`` covers in ``unit``'s subtree, as
    an ``IN (…)`` list: SQLite then reads each cadre's visits of the period from the covering
    ix_visits_cadre_start in cadre order (tests/reports/test_query_plans.py). ``plan`` also says
    which late reports were back-entered.
    """
    low, high = day_number(first), day_number(last)
    s = clipped(day_number_of(Visit.start_date), low=low)
    e = clipped(day_number_of(Visit.end_date), high=high)
    query = select(Visit.cadre_id.label("key"), Visit.unit_id, Visit.form, Visit.start_date,
                   s.label("s"), e.label("e"),
                   case((late(plan), 1), else_=0).label("late"),
                   case((back_entered(plan), 1), else_=0).label("back_entered"))
    query = _of_cadres(query, Visit.cadre_id, plan, cadre_ids, unit)
    return query.where(_counted_state(counting), *overlapping(first, last)).subquery("counted")


def _of_cadres(query: Select, cadre: ColumnElement, plan: Plan | None, cadre_ids: Iterable[int] | None,
               unit: Unit | None) -> Select:
    """``query`` kept to ``cadre_ids``, or else to the cadres ``plan`` covers in ``unit``'s subtree."""
    if cadre_ids is not None:
        return query.where(cadre.in_(list(cadre_ids)))
    assert plan is not None, "name the cadres or the plan that covers them"
    home = aliased(Unit)
    return query.where(cadre.in_(select(User.id).join(home, home.id == User.unit_id)
                                 .where(*covered(plan, unit, home))))


def _counted_state(counting: Counting):
    return unindexed(Visit.status).in_(counting.statuses)


def counted_days(first: date, last: date, counting: Counting, *, plan: Plan | None = None,
                 cadre_ids: Iterable[int] | None = None, unit: Unit | None = None) -> Select:
    """The days that count in ``first``–``last``, one row each: ``key`` (the cadre), ``day`` and its
    ``week`` number. Each day once however many visits cover it: they are the rows of cadre_days,
    which every write of a visit keeps (server/visits/days.py). The cadres: see ``counted_visits``."""
    return _of_cadres(_days_of_everyone(first, last, counting), CadreDay.cadre_id, plan, cadre_ids, unit)


def _days_of_everyone(first: date, last: date, counting: Counting) -> Select:
    assert set(counting.statuses) <= set(KEPT), "cadre_days keeps the days of these states only"
    query = (select(CadreDay.cadre_id.label("key"), CadreDay.day,
                    (day_number_of(CadreDay.day) // 7).label("week"))
             .where(CadreDay.day >= first, CadreDay.day <= last))
    if VisitStatus.SUBMITTED not in counting.statuses:
        query = query.where(CadreDay.approved.is_(True))
    return query


def figures_query(first: date, last: date, counting: Counting, *, plan: Plan | None = None,
                  cadre_ids: Iterable[int] | None = None, unit: Unit | None = None,
                  units: bool = True) -> Select:
    """``key`` and every DayFigures field as a column, one row per cadre with a counted visit in
    the period (the cadres: see ``counted_visits``). Two aggregates joined by cadre: the counted
    visits (visits, forms, lateness, units reached) and the counted days (days, weeks). Without
    ``units`` the units reached are not counted (0), which spares the join with each unit's last
    successor where a screen does not show them."""
    cadres = {"plan": plan, "cadre_ids": cadre_ids, "unit": unit}
    visits = counted_visits(first, last, counting, **cadres)
    per_form = [func.sum(case((visits.c.form == form, 1), else_=0)).label(f"form_{form}") for form in FORMS]
    per_visit = select(visits.c.key, func.count().label("visits"), func.sum(visits.c.late).label("late"),
                       func.sum(visits.c.back_entered).label("back_entered"), *per_form)
    if units:
        final = final_units()
        per_visit = (per_visit.add_columns(func.count(func.distinct(final.c.unit_id)).label("units"))
                     .join(final, final.c.src == visits.c.unit_id))
    else:
        per_visit = per_visit.add_columns(literal(0).label("units"))
    per_visit = per_visit.group_by(visits.c.key).subquery("per_visit")
    # the outer join keeps per_visit's cadres: days_query may read more (see there)
    per_day = days_query(first, last, counting, **cadres).subquery("per_day")
    return (select(per_visit, func.coalesce(per_day.c.days, 0).label("days"),
                   func.coalesce(per_day.c.weeks, 0).label("weeks"))
            .outerjoin(per_day, per_day.c.key == per_visit.c.key))


def days_query(first: date, last: date, counting: Counting, *, plan: Plan | None = None,
               cadre_ids: Iterable[int] | None = None, unit: Unit | None = None) -> Select:
    """``key``, ``days`` and ``weeks``: each cadre's counted days in the period and the weeks with
    one, one row per cadre with a counted day (the cadres: see ``counted_visits``).

    For every cadre of a plan (no unit, or the root unit) PostgreSQL reads all cadres' days of the
    period from the day index, so the rows may include cadres the plan does not cover: filtering
    218k rows by the covered cadres (a province's year at 1M visits) cost it more than the few
    uncovered cadres' days (the figures statement ~390 -> ~310 ms, same run). Callers look up the
    cadres they want. SQLite always reads the covered cadres' days through the key, cadre by cadre,
    in the order its GROUP BY needs; for a unit's subtree so does PostgreSQL (183 cadres: 50 ms,
    not 150).
    """
    whole_plan = cadre_ids is None and (unit is None or unit.parent_id is None)
    if whole_plan and db.session.get_bind().dialect.name != "sqlite":
        days = _days_of_everyone(first, last, counting).subquery("counted_days")
    else:
        days = counted_days(first, last, counting, plan=plan, cadre_ids=cadre_ids, unit=unit
                            ).subquery("counted_days")
    return (select(days.c.key, func.count().label("days"),
                   func.count(func.distinct(days.c.week)).label("weeks"))
            .group_by(days.c.key))


def from_row(row) -> DayFigures:
    """A ``figures_query`` row (or an outer-joined one with nulls) as DayFigures."""
    return DayFigures(days=int(row["days"] or 0), weeks=int(row["weeks"] or 0),
                      visits=int(row["visits"] or 0), units=int(row["units"] or 0),
                      late=int(row["late"] or 0),
                      back_entered=int(row["back_entered"] or 0),
                      by_form={form: int(row[column] or 0) for form, column in _FORM_COLUMNS})


def figures(cadre_ids: Iterable[int], first: date, last: date, counting: Counting,
            plan: Plan | None = None, units: bool = True) -> dict[int, DayFigures]:
    """Each cadre's figures for the period; every cadre asked for gets an entry, maybe empty
    (``units``: see ``figures_query``)."""
    cadre_ids = list(cadre_ids)
    found = {cadre: DayFigures() for cadre in cadre_ids}
    if cadre_ids:
        query = figures_query(first, last, counting, plan=plan, cadre_ids=cadre_ids, units=units)
        for row in db.session.execute(query).mappings():
            found[row["key"]] = from_row(row)
    return found


def weeks_with_a_day(cadre_ids: Iterable[int], first: date, last: date,
                     counting: Counting) -> dict[int, set[int]]:
    """The week numbers (``sql.week_number``) with at least one counted day, by cadre."""
    cadre_ids = list(cadre_ids)
    found: dict[int, set[int]] = {cadre: set() for cadre in cadre_ids}
    if not cadre_ids:
        return found
    days = counted_days(first, last, counting, cadre_ids=cadre_ids).subquery("counted_days")
    for key, week in db.session.execute(select(days.c.key, days.c.week).distinct()):
        found[key].add(int(week))
    return found


def last_counted_day(cadre_ids: Iterable[int], unit_ids: Iterable[int], on: date,
                     counting: Counting) -> dict[tuple[int, int], date]:
    """The last day by ``on`` each cadre was at each unit on a counted visit, by (cadre, unit);
    never: absent."""
    end = case((Visit.end_date > literal(on, Date), literal(on, Date)), else_=Visit.end_date)
    rows = db.session.execute(
        select(Visit.cadre_id, Visit.unit_id, func.max(end))
        .where(Visit.cadre_id.in_(list(cadre_ids)), Visit.unit_id.in_(list(unit_ids)),
               Visit.start_date <= on, _counted_state(counting))
        .group_by(Visit.cadre_id, Visit.unit_id))
    return {(cadre, unit): (day if isinstance(day, date) else date.fromisoformat(day))
            for cadre, unit, day in rows}


def counted_intervals(cadre_id: int, first: date, last: date, counting: Counting) -> list[dict]:
    """The cadre's counted visits overlapping the period, as ``{id, start_date, end_date,
    approved}`` (unclipped): what the phone merges with the visits it has not sent yet."""
    rows = db.session.execute(
        select(Visit.id, Visit.start_date, Visit.end_date, Visit.status)
        .where(Visit.cadre_id == cadre_id, _counted_state(counting), *overlapping(first, last))
        .order_by(Visit.start_date, Visit.id))
    return [{"id": str(visit_id), "start_date": start.isoformat(), "end_date": end.isoformat(),
             "approved": status == VisitStatus.APPROVED} for visit_id, start, end, status in rows]



def placement_visits(counting: Counting) -> tuple:
    """The conditions on a visit (joined to its placement) that log the placement's days and
    cover its tasks: of the placement, counted, inside the placement's dates.

    ``+status`` on SQLite: given ``status = 'approved'`` it walks ix_visits_status_cadre, every
    approved visit (70 % of a million, 1.8 s of CPU); the placement index reads only placement
    visits (a few ms)."""
    return (Visit.placement_id.is_not(None), Visit.placement_id == Placement.id, _counted_state(counting),
            Visit.start_date <= Placement.end_date, Visit.end_date >= Placement.start_date)


def placement_days(counting: Counting) -> Subquery:
    """``(key, days)``: the days each placement's counted visits log inside the placement's dates,
    each day once (two visits on one day log one day)."""
    s = clipped(day_number_of(Visit.start_date), low=day_number_of(Placement.start_date))
    e = clipped(day_number_of(Visit.end_date), high=day_number_of(Placement.end_date))
    logged = (select(Visit.placement_id.label("key"), Visit.start_date, s.label("s"), e.label("e"))
              .join(Placement, Placement.id == Visit.placement_id)
              .where(*placement_visits(counting))
              .subquery("logged"))
    walked = walk(logged, order_by=logged.c.start_date)
    _, added = uncovered(walked.c.s, walked.c.e, walked.c.prev)
    return (select(walked.c.key, func.sum(added).label("days")).group_by(walked.c.key)
            .subquery("placement_days"))
