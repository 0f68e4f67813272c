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
from server.visits.models import Visit, VisitForm, VisitStatus
from server.visits.rules import MAX_TRIP_DAYS

FORMS = tuple(f.value for f in VisitForm)


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
    unit, form, dates, lateness, and its day numbers clipped to the period (``s``, ``e``) with
    their weeks (``ws``, ``we``).

    The cadres are ``cadre_ids`` when given, else those ``plan`` covers in ``unit``'s subtree
    (joined rather than ``IN (…)``, so one range of the report index reads the period in order).
    ``plan`` also says which late reports were back-entered.
    """
    low, high = day_number(first), day_number(last)
    s = clipped(day_number_of(Visit.start_date), low=low)
    e = clipped(day_number_of(Visit.end_date), high=high)
    query = select(Visit.cadre_id.label("key"), Visit.unit_id, Visit.form, Visit.start_date,
                   s.label("s"), e.label("e"), (s // 7).label("ws"), (e // 7).label("we"),
                   case((late(plan), 1), else_=0).label("late"),
                   case((back_entered(plan), 1), else_=0).label("back_entered"))
    if cadre_ids is not None:
        query = query.where(Visit.cadre_id.in_(list(cadre_ids)))
    else:
        assert plan is not None, "name the cadres or the plan that covers them"
        home = aliased(Unit)
        query = (query.join(User, User.id == Visit.cadre_id).join(home, home.id == User.unit_id)
                 .where(*covered(plan, unit, home)))
    return query.where(_counted_state(counting), *overlapping(first, last)).subquery("counted")


def _counted_state(counting: Counting):
    return unindexed(Visit.status).in_(counting.statuses)


def _walked(counted: Subquery):
    """The walk, with each visit's newly covered days and weeks."""
    walked = walk(counted, order_by=counted.c.start_date)
    days = uncovered(walked.c.s, walked.c.e, walked.c.prev)
    weeks = uncovered(walked.c.ws, walked.c.we, walked.c.prev // 7)
    return walked, days, weeks


def figures_query(counted: Subquery, units: bool = True) -> Select:
    """``key`` and every DayFigures field as a column, per cadre, from ``counted_visits``.
    Without ``units`` the units reached are not counted (0), which spares the join with each
    unit's last successor where a screen does not show them.

    Where each visit's final unit is joined is the one thing that differs by database (same rule,
    same figure; the suite runs on both): PostgreSQL joins it *before* the walk, whose order
    (cadre, start) then serves the GROUP BY too, where joining the walked rows made it hash them
    all and sort them again (a province at 1M visits: 256 → 210 ms); SQLite joins the walked rows,
    as joining the visits made it read them unit by unit through a non-covering index
    (566 → 1,220 ms)."""
    join_first = units and db.session.get_bind().dialect.name != "sqlite"
    if join_first:
        final = final_units()
        counted = (select(counted, final.c.unit_id.label("final_unit"))
                   .join(final, final.c.src == counted.c.unit_id).subquery("counted_in_units"))
    walked, (_, days), (_, weeks) = _walked(counted)
    per_form = [func.sum(case((walked.c.form == form, 1), else_=0)).label(f"form_{form}") for form in FORMS]
    query = (select(walked.c.key, func.count().label("visits"), func.sum(days).label("days"),
                    func.sum(weeks).label("weeks"), func.sum(walked.c.late).label("late"),
                    func.sum(walked.c.back_entered).label("back_entered"), *per_form)
             .group_by(walked.c.key))
    if not units:
        return query.add_columns(literal(0).label("units"))
    if join_first:
        return query.add_columns(func.count(func.distinct(walked.c.final_unit)).label("units"))
    final = final_units()
    return (query.add_columns(func.count(func.distinct(final.c.unit_id)).label("units"))
            .join(final, final.c.src == walked.c.unit_id))


def from_row(row) -> DayFigures:
    """A ``figures_query`` row (or an outer-joined one with nulls) as DayFigures."""
    return DayFigures(days=int(row["days"] or 0), weeks=int(row["weeks"] or 0),
                      visits=int(row["visits"] or 0), units=int(row["units"] or 0),
                      late=int(row["late"] or 0),
                      back_entered=int(row["back_entered"] or 0),
                      by_form={form: int(row[f"form_{form}"] or 0) for form in FORMS})


def figures(cadre_ids: Iterable[int], first: date, last: date, counting: Counting,
            plan: Plan | None = None, units: bool = True) -> dict[int, DayFigures]:
    """Each cadre's figures for the period; every cadre asked for gets an entry, maybe empty
    (``units``: see ``figures_query``)."""
    cadre_ids = list(cadre_ids)
    found = {cadre: DayFigures() for cadre in cadre_ids}
    if cadre_ids:
        counted = counted_visits(first, last, counting, plan=plan, cadre_ids=cadre_ids)
        for row in db.session.execute(figures_query(counted, units)).mappings():
            found[row["key"]] = from_row(row)
    return found


def weeks_with_a_day(cadre_ids: Iterable[int], first: date, last: date,
                     counting: Counting) -> dict[int, set[int]]:
    """The week numbers (``sql.week_number``) with at least one counted day, by cadre: the walk's
    newly covered ranges of weeks, which are disjoint, spelled out."""
    cadre_ids = list(cadre_ids)
    found: dict[int, set[int]] = {cadre: set() for cadre in cadre_ids}
    if not cadre_ids:
        return found
    walked, _, (week_from, added) = _walked(counted_visits(first, last, counting, cadre_ids=cadre_ids))
    for key, start, end in db.session.execute(
            select(walked.c.key, week_from, walked.c.we).where(added > 0)):
        found[key].update(range(int(start), int(end) + 1))
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
