"""What each role sees first: a cadre's days against the minimum, a reviewer's queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from server.auth.models import User
from server.auth.permissions import reviewable_cadre_ids
from server.extensions import db
from server.planning.services import minimum_days_for
from server.visits.models import Visit, VisitStatus


@dataclass(frozen=True)
class YearProgress:
    year: int
    days: int
    visits: int
    minimum_days: int | None  # None: no plan for the year, or the cadre is exempt
    by_status: dict[str, int]

    @property
    def percent(self) -> int:
        if not self.minimum_days:
            return 100
        return min(100, round(100 * self.days / self.minimum_days))


def year_progress(user: User, year: int) -> YearProgress:
    """Days and visits a cadre has recorded in ``year`` (by start date), by review status.

    A cadre has at most a few hundred visits a year, so the days are summed here rather than
    with date arithmetic that SQLite and PostgreSQL spell differently.
    """
    rows = db.session.execute(
        select(Visit.status, Visit.start_date, Visit.end_date).where(
            Visit.cadre_id == user.id,
            Visit.start_date >= date(year, 1, 1),
            Visit.start_date <= date(year, 12, 31),
        )
    ).all()
    by_status: dict[str, int] = {}
    days = 0
    for status, start, end in rows:
        by_status[status] = by_status.get(status, 0) + 1
        days += (end - start).days + 1
    return YearProgress(year, days, len(rows), minimum_days_for(user, year), by_status)


def awaiting_review_count(reviewer: User) -> int:
    """Visits waiting for this reviewer: submitted by the cadres they review."""
    return db.session.scalar(
        select(func.count()).select_from(Visit).where(
            Visit.status == VisitStatus.SUBMITTED,
            Visit.cadre_id.in_(reviewable_cadre_ids(reviewer)),
        )
    ) or 0


def recent_visits(user: User, limit: int = 10) -> list[Visit]:
    return list(db.session.scalars(
        select(Visit).where(Visit.cadre_id == user.id)
        .order_by(Visit.start_date.desc(), Visit.received_at.desc()).limit(limit)
    ))


def returned_visits(user: User) -> list[Visit]:
    """The user's visits sent back by a supervisor and not sent again yet, oldest trip first."""
    return list(db.session.scalars(
        select(Visit).options(selectinload(Visit.unit))
        .where(Visit.cadre_id == user.id, Visit.status == VisitStatus.RETURNED)
        .order_by(Visit.start_date, Visit.id)
    ))
