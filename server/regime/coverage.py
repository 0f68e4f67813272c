"""Who a plan covers, and the minimum each covered cadre owes after any exemption.

Covered: accounts with the cadre role that are active, full-time, not probationary, and belong to
the plan's covered unit's subtree (every unit when the plan names none). Supervisors' and admins'
accounts are for reviewing and running dicoso, not for recording trips: a leader who goes to the
grassroots records them with a cadre account, so those accounts are never covered. Probationary
cadres log placements, which the placements report evaluates, not the plan's minimum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from server.auth.models import Role, User
from server.extensions import db
from server.planning.models import Plan, PlanExemption
from server.planning.services import plan_for_year
from server.regime.counting import half_up
from server.units.models import Unit


def covered(plan: Plan, unit: Unit | None = None, home: Any = Unit) -> tuple:
    """Conditions on users, joined to their own unit as ``home``, for the people ``plan`` covers
    within ``unit``'s subtree (the whole plan when ``unit`` is None)."""
    conditions = [User.role == Role.CADRE, User.active.is_(True), User.is_full_time.is_(True),
                  User.is_probationary.is_(False)]
    for root in (plan.covered_unit, unit):
        if root is not None:
            conditions.append(home.path.startswith(root.path, autoescape=True))
    return tuple(conditions)


def minimum_after(plan: Plan, exemption: PlanExemption | None) -> int | None:
    """The minimum a covered cadre owes for the plan's year (None: exempt).

    An exemption with a number replaces the minimum. Without a number, an exemption with a period
    (study, illness, maternity …) lowers the minimum pro rata to the part of the year outside the
    period, rounded half up to whole days; an exemption without a period, or whose period covers
    the whole year, exempts the cadre.
    """
    if exemption is None:
        return plan.minimum_days
    if exemption.minimum_days is not None:
        return exemption.minimum_days
    if exemption.start_date is None and exemption.end_date is None:
        return None
    first, last = date(plan.year, 1, 1), date(plan.year, 12, 31)
    start = max(exemption.start_date or first, first)
    end = min(exemption.end_date or last, last)
    year_days = (last - first).days + 1
    away = max(0, (end - start).days + 1)
    if away >= year_days:
        return None
    return int(half_up(plan.minimum_days * (year_days - away) / year_days, 0))


@dataclass(frozen=True)
class Obligation:
    """A covered cadre and what the plan asks of them."""

    cadre_id: int
    full_name: str
    username: str
    unit_id: int
    unit_name: str
    unit_path: str
    minimum: int | None  # None: exempt
    exemption_reason: str | None

    @property
    def exempt(self) -> bool:
        return self.minimum is None


def obligations(plan: Plan, unit: Unit | None = None, cadre_ids: list[int] | None = None) -> list[Obligation]:
    """The cadres the plan covers in ``unit``'s subtree (or among ``cadre_ids``), by unit and name,
    with their minimum and the exemption's reason. One query."""
    home = aliased(Unit)
    query = (select(User.id, User.full_name, User.username, home.id, home.name, home.path, PlanExemption)
             .join(home, home.id == User.unit_id)
             .outerjoin(PlanExemption,
                        and_(PlanExemption.cadre_id == User.id, PlanExemption.plan_id == plan.id))
             .where(*covered(plan, unit, home))
             .order_by(home.path, User.full_name, User.id))
    if cadre_ids is not None:
        query = query.where(User.id.in_(cadre_ids))
    return [Obligation(cadre_id, name, username, unit_id, unit_name, path, minimum_after(plan, exemption),
                       exemption.reason if exemption else None)
            for cadre_id, name, username, unit_id, unit_name, path, exemption in db.session.execute(query)]


def obligation_for(user: User, year: int) -> Obligation | None:
    """What the year's plan asks of this person (None: no plan, or the plan does not cover them)."""
    plan = plan_for_year(year)
    if plan is None:
        return None
    found = obligations(plan, cadre_ids=[user.id])
    return found[0] if found else None
