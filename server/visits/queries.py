"""Read-only queries behind the visit pages."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from server.auth.models import User
from server.extensions import db
from server.planning.closing import report_window
from server.planning.models import Placement
from server.visits.models import Visit


def prefill_placement(form: Any, bootstrap: dict, args: Mapping[str, str]) -> None:
    """Open the form for one placement day (links on the placement page)."""
    try:
        placement_id = int(args.get("placement", ""))
        day = date.fromisoformat(args.get("date", ""))
    except ValueError:
        return
    placement = next((p for p in bootstrap["placements"] if p["id"] == placement_id), None)
    if placement is None:
        return
    form.placement_id.data = placement_id
    form.unit_id.data = placement["unit_id"]
    form.start_date.data = form.end_date.data = day


MY_VISITS_PAGE = 50


@dataclass(frozen=True)
class MyVisitsPage:
    visits: list[Visit]
    #: pass as ``before`` for the next (older) page; None on the last page
    next_before: str | None


def my_visits(user: User, before: str | None = None, size: int = MY_VISITS_PAGE) -> MyVisitsPage:
    """A page of the user's visits, latest trip first (keyset on start date and id)."""
    query = select(Visit).options(selectinload(Visit.unit)).where(Visit.cadre_id == user.id)
    start, _sep, key = (before or "").partition("_")
    try:
        after_start, after_id = date.fromisoformat(start), uuid.UUID(key)
        query = query.where(or_(Visit.start_date < after_start,
                                and_(Visit.start_date == after_start, Visit.id < after_id)))
    except ValueError:
        pass  # no cursor, or a mangled one: the first page
    rows = list(db.session.scalars(query.order_by(Visit.start_date.desc(), Visit.id.desc()).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return MyVisitsPage(rows, f"{rows[-1].start_date.isoformat()}_{rows[-1].id}" if more else None)


@dataclass(frozen=True)
class PlacementDay:
    number: int
    day: date
    visit: Visit | None


@dataclass(frozen=True)
class PlacementView:
    placement: Placement
    days: list[PlacementDay]
    #: tasks ticked by one of the cadre's visits of the placement (whatever their review state)
    covered: set[str]
    #: the days the closing report may be written (server.planning.closing.report_window)
    report_from: date
    report_until: date


def my_placements(user: User) -> list[PlacementView]:
    """The user's placements, each with its days and the visit logged for each day, if any, the
    tasks its visits carried out and its closing report."""
    placements = db.session.scalars(
        select(Placement).options(selectinload(Placement.unit), selectinload(Placement.report))
        .where(Placement.cadre_id == user.id).order_by(Placement.start_date.desc())
    ).all()
    visits = db.session.scalars(select(Visit).where(
        Visit.cadre_id == user.id, Visit.placement_id.in_([p.id for p in placements]))).all()
    logged: dict[tuple[int, date], Visit] = {(v.placement_id, v.start_date): v for v in visits}
    covered: dict[int, set[str]] = {}
    for visit in visits:
        covered.setdefault(visit.placement_id, set()).update(visit.placement_tasks or ())
    views = []
    for placement in placements:
        span = (placement.end_date - placement.start_date).days + 1
        days = [PlacementDay(n + 1, d, logged.get((placement.id, d)))
                for n, d in ((n, placement.start_date + timedelta(days=n)) for n in range(span))]
        views.append(PlacementView(placement, days, covered.get(placement.id, set()),
                                   *report_window(placement)))
    return views


def placement_of_the_day(user: User, on: date) -> PlacementView | None:
    """The placement the cadre is on today, else their next one: what their home shows."""
    views = {view.placement.id: view for view in my_placements(user)}
    chosen = of_the_day([view.placement for view in views.values()], on)
    return None if chosen is None else views[chosen.id]


def of_the_day(placements: Sequence[Placement], on: date) -> Placement | None:
    """The placement that is on ``on`` (the one that began last, then the lowest id, should two
    overlap: the newer arrangement), else the next to start; None when none is left. The phone's
    home decides with pwa/js/views/home-placement.js ``ofTheDay``; both are held to
    tests/visits/placement_cases.json."""
    current = [p for p in placements if p.start_date <= on <= p.end_date]
    if current:
        return min(current, key=lambda p: (-p.start_date.toordinal(), p.id))
    return min((p for p in placements if p.start_date > on), key=lambda p: (p.start_date, p.id), default=None)
