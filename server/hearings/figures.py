"""A cadre's figures for a period, compiled from their visits by SQL (a few grouped queries for
any number of cadres, so a hearing of fifty cadres costs the same handful of queries as one).

A visit counts in a period when at least one of its days falls in it, and brings only those days:
a visit from 30 September to 2 October gives September one day and October two, and appears in
both months' lists. A report is late when the server received it more than ``REPORT_DUE_DAYS``
days (Vietnam time) after the visit ended.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Date, and_, case, func, literal, select

from server.extensions import db
from server.hearings import sqldates
from server.units.models import Unit
from server.visits.models import Visit, visit_topics
from server.visits.rules import REPORT_DUE_DAYS


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of ``month``'s month."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass
class Figures:
    """One cadre's figures for a period."""

    days: int = 0
    visits: int = 0
    late: int = 0
    by_form: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    #: unit id → (name, visits)
    units: dict[int, tuple[str, int]] = field(default_factory=dict)
    #: topic id → visits
    topics: dict[int, int] = field(default_factory=dict)


def _overlapping(cadre_ids: Iterable[int], first: date, last: date):
    return and_(Visit.cadre_id.in_(list(cadre_ids)), Visit.start_date <= last, Visit.end_date >= first)


def _days_in(first: date, last: date):
    """A visit's days inside [first, last]."""
    start = sqldates.later(Visit.start_date, literal(first, Date))
    end = sqldates.earlier(Visit.end_date, literal(last, Date))
    return sqldates.days_between(start, end) + 1


def period_days(cadre_ids: Iterable[int], first: date, last: date) -> dict[int, int]:
    """Days at the grassroots between ``first`` and ``last`` (both included), by cadre."""
    days_in = _days_in(first, last)
    rows = db.session.execute(
        select(Visit.cadre_id, func.sum(days_in)).where(_overlapping(cadre_ids, first, last))
        .group_by(Visit.cadre_id))
    return {cadre: int(days or 0) for cadre, days in rows}


def figures(cadre_ids: Iterable[int], first: date, last: date) -> dict[int, Figures]:
    """Each cadre's figures for the period (every cadre asked for gets an entry, maybe empty)."""
    cadre_ids = list(cadre_ids)
    found = {cadre: Figures() for cadre in cadre_ids}
    if not cadre_ids:
        return found
    where = _overlapping(cadre_ids, first, last)
    days_in = _days_in(first, last)
    late = case((sqldates.received_after_local_day(Visit.received_at, Visit.end_date, REPORT_DUE_DAYS), 1),
                else_=0)
    for cadre, visits, days, late_count in db.session.execute(
        select(Visit.cadre_id, func.count(), func.sum(days_in), func.sum(late))
        .where(where).group_by(Visit.cadre_id)
    ):
        entry = found[cadre]
        entry.visits, entry.days, entry.late = visits, int(days or 0), int(late_count or 0)
    for cadre, form, count in db.session.execute(
        select(Visit.cadre_id, Visit.form, func.count()).where(where).group_by(Visit.cadre_id, Visit.form)
    ):
        found[cadre].by_form[form] = count
    for cadre, status, count in db.session.execute(
        select(Visit.cadre_id, Visit.status, func.count()).where(where).group_by(Visit.cadre_id, Visit.status)
    ):
        found[cadre].by_status[status] = count
    for cadre, unit_id, name, count in db.session.execute(
        select(Visit.cadre_id, Unit.id, Unit.name, func.count()).join(Unit, Unit.id == Visit.unit_id)
        .where(where).group_by(Visit.cadre_id, Unit.id, Unit.name).order_by(Unit.name)
    ):
        found[cadre].units[unit_id] = (name, count)
    for cadre, topic_id, count in db.session.execute(
        select(Visit.cadre_id, visit_topics.c.topic_id, func.count())
        .join(visit_topics, visit_topics.c.visit_id == Visit.id)
        .where(where).group_by(Visit.cadre_id, visit_topics.c.topic_id)
    ):
        found[cadre].topics[topic_id] = count
    return found


def month_visits(cadre_id: int, month: date) -> list[Visit]:
    """The cadre's visits with a day in the month, oldest first (findings, recommendations)."""
    first, last = month_bounds(month)
    return list(db.session.scalars(
        select(Visit).where(_overlapping([cadre_id], first, last))
        .order_by(Visit.start_date, Visit.received_at)))


def last_visit_days(cadre_ids: Iterable[int], unit_ids: Iterable[int],
                    on: date) -> dict[tuple[int, int], date]:
    """The last day each cadre was at each of these units by ``on``, by (cadre, unit); never: absent."""
    last_day = func.max(sqldates.earlier(Visit.end_date, literal(on, Date)))
    rows = db.session.execute(
        select(Visit.cadre_id, Visit.unit_id, last_day)
        .where(Visit.cadre_id.in_(list(cadre_ids)), Visit.unit_id.in_(list(unit_ids)),
               Visit.start_date <= on)
        .group_by(Visit.cadre_id, Visit.unit_id))
    return {(cadre, unit): day for cadre, unit, day in rows}
