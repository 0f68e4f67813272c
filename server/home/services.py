"""What each role sees first: a cadre's visits (their year's figures come from ``server.regime``),
a reviewer's queue."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from server.auth.models import User
from server.auth.permissions import reviewable_cadre_ids
from server.extensions import db
from server.visits.models import Visit, VisitStatus


def visits_by_status(user: User, year: int) -> dict[str, int]:
    """How many of the user's visits that start in ``year`` are in each review state."""
    return dict(db.session.execute(
        select(Visit.status, func.count()).where(
            Visit.cadre_id == user.id, Visit.start_date >= date(year, 1, 1),
            Visit.start_date <= date(year, 12, 31))
        .group_by(Visit.status)).all())


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
