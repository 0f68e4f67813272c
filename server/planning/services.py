"""Plan rules: how many days at the grassroots a plan asks of a cadre."""

from __future__ import annotations

from sqlalchemy import select

from server.auth.models import User
from server.extensions import db
from server.planning.models import Plan, PlanExemption


def minimum_days_for(user: User, year: int) -> int | None:
    """The plan's minimum for this cadre and year, after any exemption (None: not covered)."""
    plan = db.session.scalar(select(Plan).where(Plan.year == year))
    if plan is None or not user.is_full_time:
        return None
    exemption = db.session.scalar(
        select(PlanExemption).where(PlanExemption.plan_id == plan.id, PlanExemption.cadre_id == user.id)
    )
    if exemption is not None:
        return exemption.minimum_days
    return plan.minimum_days
