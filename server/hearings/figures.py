"""A cadre's month as the hearing shows it. Days, visits, forms and late reports are the regime's
(``server.regime.days``, counting approved and submitted visits); the lists of units and topics
are of those same visits; the review states are of every visit with a day in the month, returned
ones included, so the committee sees what was sent back.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select

from server.extensions import db
from server.planning.services import plan_for_year
from server.regime import days as regime_days
from server.regime.counting import WORKING
from server.units.models import Unit
from server.visits.models import Visit, visit_topics


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of ``month``'s month."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass
class Figures:
    """One cadre's figures for a period."""

    days: int = 0
    weeks: int = 0
    visits: int = 0
    late: int = 0
    back_entered: int = 0
    by_form: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    #: unit id → (name, visits)
    units: dict[int, tuple[str, int]] = field(default_factory=dict)
    #: topic id → visits
    topics: dict[int, int] = field(default_factory=dict)
    counting: str = str(WORKING)


def _overlapping(cadre_ids: Iterable[int], first: date, last: date):
    return and_(Visit.cadre_id.in_(list(cadre_ids)), Visit.start_date <= last, Visit.end_date >= first)


def figures(cadre_ids: Iterable[int], first: date, last: date) -> dict[int, Figures]:
    """Each cadre's figures for the period (every cadre asked for gets an entry, maybe empty)."""
    cadre_ids = list(cadre_ids)
    found = {cadre: Figures() for cadre in cadre_ids}
    if not cadre_ids:
        return found
    counted_figures = regime_days.figures(cadre_ids, first, last, WORKING, plan_for_year(first.year))
    for cadre, counted in counted_figures.items():
        entry = found[cadre]
        entry.days, entry.weeks, entry.visits = counted.days, counted.weeks, counted.visits
        entry.late, entry.back_entered = counted.late, counted.back_entered
        entry.by_form = {form: n for form, n in counted.by_form.items() if n}
    where = _overlapping(cadre_ids, first, last)
    for cadre, status, count in db.session.execute(
        select(Visit.cadre_id, Visit.status, func.count()).where(where).group_by(Visit.cadre_id, Visit.status)
    ):
        found[cadre].by_status[status] = count
    counted_where = and_(where, Visit.status.in_(WORKING.statuses))
    for cadre, unit_id, name, count in db.session.execute(
        select(Visit.cadre_id, Unit.id, Unit.name, func.count()).join(Unit, Unit.id == Visit.unit_id)
        .where(counted_where).group_by(Visit.cadre_id, Unit.id, Unit.name).order_by(Unit.name)
    ):
        found[cadre].units[unit_id] = (name, count)
    for cadre, topic_id, count in db.session.execute(
        select(Visit.cadre_id, visit_topics.c.topic_id, func.count())
        .join(visit_topics, visit_topics.c.visit_id == Visit.id)
        .where(counted_where).group_by(Visit.cadre_id, visit_topics.c.topic_id)
    ):
        found[cadre].topics[topic_id] = count
    return found


def month_visits(cadre_id: int, month: date) -> list[Visit]:
    """The cadre's visits with a day in the month, oldest first (findings, recommendations)."""
    first, last = month_bounds(month)
    return list(db.session.scalars(
        select(Visit).where(_overlapping([cadre_id], first, last))
        .order_by(Visit.start_date, Visit.received_at)))
