"""Assignments (the notice), placements, plans with exemptions (flush, never commit). Who a plan
covers and what it asks of them is the regime's rule: ``server.regime.coverage``."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from server.audit.services import record
from server.auth.models import User
from server.extensions import db
from server.planning.models import Assignment, Placement, Plan, PlanExemption
from server.units.models import Unit

#: a probationary placement lasts one week unless the admin says otherwise
PLACEMENT_DAYS = 7
DEFAULT_MINIMUM_DAYS = 60


def assign_units(cadre: User, units: list[Unit], start: date, end: date | None,
                 notice_number: str | None, notice_date: date | None, actor: User) -> list[Assignment]:
    """Put ``cadre`` in charge of every unit in ``units`` for one period under one notice."""
    assignments = [Assignment(cadre=cadre, unit=unit, start_date=start, end_date=end,
                              notice_number=notice_number, notice_date=notice_date) for unit in units]
    db.session.add_all(assignments)
    db.session.flush()
    record("assign", "user", cadre.id, actor_id=actor.id, units=[u.id for u in units],
           start=start.isoformat(), end=end.isoformat() if end else None, notice=notice_number)
    return assignments


def end_assignment(assignment: Assignment, on: date, actor: User) -> None:
    """End an assignment on ``on`` (kept: visits recorded under it stay explained)."""
    assignment.end_date = on
    record("end", "assignment", assignment.id, actor_id=actor.id, end=on.isoformat())


def default_placement_end(start: date) -> date:
    return start + timedelta(days=PLACEMENT_DAYS - 1)


def create_placement(cadre: User, unit: Unit, start: date, end: date, tasks: list[str],
                     mentor_name: str | None, actor: User) -> Placement:
    placement = Placement(cadre=cadre, unit=unit, start_date=start, end_date=end, tasks=tasks,
                          mentor_name=mentor_name)
    db.session.add(placement)
    db.session.flush()
    record("create", "placement", placement.id, actor_id=actor.id, cadre_id=cadre.id, unit_id=unit.id)
    return placement


def update_placement(placement: Placement, actor: User, **changes) -> None:
    for name, value in changes.items():
        setattr(placement, name, value)
    record("update", "placement", placement.id, actor_id=actor.id,
           fields=sorted(changes))


def plan_for_year(year: int) -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.year == year))


def plan_years() -> list[int]:
    """The years a plan has been set for, oldest first."""
    return list(db.session.scalars(select(Plan.year).order_by(Plan.year)))


def save_plan(plan: Plan | None, actor: User, **fields) -> Plan:
    """Create a plan, or change one; audited."""
    created = plan is None
    plan = plan or Plan()
    for name, value in fields.items():
        setattr(plan, name, value)
    if created:
        db.session.add(plan)
    db.session.flush()
    record("create" if created else "update", "plan", plan.id, actor_id=actor.id, year=plan.year)
    return plan


def add_exemption(plan: Plan, cadre: User, reason: str, minimum_days: int | None,
                  start: date | None, end: date | None, actor: User) -> PlanExemption:
    exemption = PlanExemption(plan=plan, cadre=cadre, reason=reason, minimum_days=minimum_days,
                              start_date=start, end_date=end)
    db.session.add(exemption)
    db.session.flush()
    record("exempt", "plan", plan.id, actor_id=actor.id, cadre_id=cadre.id, reason=reason,
           minimum_days=minimum_days)
    return exemption


def remove_exemption(exemption: PlanExemption, actor: User) -> None:
    record("unexempt", "plan", exemption.plan_id, actor_id=actor.id, cadre_id=exemption.cadre_id)
    db.session.delete(exemption)
    db.session.flush()
