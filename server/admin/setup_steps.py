"""The province's set-up, step by step, as the admin's home shows it: units, then users, then the
assignments (which need both), the year's plan, the topics. Each step is done or to do, with the
count that says so; the page words it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from server.auth.models import Role, User
from server.extensions import db
from server.planning.models import Assignment, Plan
from server.units.models import Unit, UnitKind
from server.units.services import current_units_query
from server.visits.models import Topic


@dataclass(frozen=True)
class SetupStep:
    #: "units", "users", "assignments", "plan", "topics": the page's words and link for the step
    name: str
    endpoint: str
    done: bool
    #: what is there: units, cadres, current assignments, the plan's minimum days, active topics
    count: int


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def setup_steps(on: date) -> list[SetupStep]:
    """The set-up checklist on ``on``, in the order a province does it."""
    units = _count(current_units_query(on))
    # the admin's own province exists from the first sign-in: the step is done once there are
    # communes or wards, the units that cadres visit
    grassroots = _count(current_units_query(on).where(
        Unit.kind.in_((UnitKind.COMMUNE.value, UnitKind.WARD.value))))
    cadres = _count(select(User.id).where(User.active.is_(True), User.role == Role.CADRE.value))
    assignments = _count(select(Assignment.id).where(
        or_(Assignment.end_date.is_(None), Assignment.end_date >= on)))
    plan = db.session.scalar(select(Plan).where(Plan.year == on.year))
    topics = _count(select(Topic.id).where(Topic.active.is_(True)))
    return [
        SetupStep("units", "admin.units", grassroots > 0, units),
        SetupStep("users", "admin.users", cadres > 0, cadres),
        SetupStep("assignments", "admin.assignments", assignments > 0, assignments),
        SetupStep("plan", "admin.plans", plan is not None, plan.minimum_days if plan else 0),
        SetupStep("topics", "admin.topics", topics > 0, topics),
    ]
