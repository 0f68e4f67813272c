"""Role and unit-scope rules, in one place.

A supervisor's scope is their unit's subtree; an admin's is everything. A cadre records visits for
the units in their own unit's subtree and for the units they are assigned to.

What a supervisor sees follows people, not places (docs/review.md, "What a unit's supervisor
sees"): the work of the people whose own unit is in their subtree (their visits wherever they went,
their hearings, figures and placements), never the visits others made to a unit of the subtree.
Only the coverage report is about places, and it shows counts, not visits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, false, or_, select

from server.auth.models import Role, User
from server.extensions import db
from server.planning.models import Assignment
from server.units.models import Unit
from server.units.services import is_within
from server.visits.models import Visit

F = TypeVar("F", bound=Callable)


def roles_required(*roles: str) -> Callable[[F], F]:
    """Let only signed-in users with one of ``roles`` through; others get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def scope_unit_ids(user: User) -> Select:
    """A SELECT of the ids of units in the user's subtree (all units for an admin)."""
    if user.role == Role.ADMIN:
        return select(Unit.id)
    return select(Unit.id).where(Unit.path.startswith(user.unit.path, autoescape=True))


def people_of_subtree(root: Unit) -> Select:
    """A SELECT of the ids of the people whose own unit is in ``root``'s subtree: whose work a
    report of that subtree shows (the same people its supervisor reviews)."""
    return (select(User.id).join(Unit, Unit.id == User.unit_id)
            .where(Unit.path.startswith(root.path, autoescape=True)))


def recordable_unit_ids(user: User, on: date) -> Select:
    """Units the user may record a visit for: their subtree plus units assigned to them on ``on``."""
    assigned = select(Assignment.unit_id).where(
        Assignment.cadre_id == user.id,
        Assignment.start_date <= on,
        or_(Assignment.end_date.is_(None), Assignment.end_date >= on),
    )
    return select(Unit.id).where(or_(Unit.id.in_(scope_unit_ids(user)), Unit.id.in_(assigned)))


def unit_recording_rule(user: User, unit_ids: set[int]) -> Callable[[int, date], bool]:
    """The rule of ``recordable_unit_ids`` as a check ``(unit_id, day) -> bool`` for many items.

    Loads the few units and assignments involved once, so a batch of 200 pushed visits costs two
    queries instead of one per visit.
    """
    paths = dict(db.session.execute(select(Unit.id, Unit.path).where(Unit.id.in_(unit_ids))).all())
    assignments = db.session.execute(
        select(Assignment.unit_id, Assignment.start_date, Assignment.end_date)
        .where(Assignment.cadre_id == user.id, Assignment.unit_id.in_(unit_ids))
    ).all()
    root = user.unit.path

    def allowed(unit_id: int, day: date) -> bool:
        path = paths.get(unit_id)
        if path is None:
            return False
        if user.role == Role.ADMIN or path.startswith(root):
            return True
        return any(a.unit_id == unit_id and a.start_date <= day and (a.end_date is None or day <= a.end_date)
                   for a in assignments)

    return allowed


def reviewable_cadre_ids(user: User) -> Select:
    """A SELECT of the ids of the people whose visits ``user`` reviews: everyone in their unit's
    subtree (everyone for an admin), never themselves; nothing for a cadre."""
    query = select(User.id).where(User.id != user.id)
    if user.role == Role.ADMIN:
        return query
    if user.role != Role.SUPERVISOR:
        return query.where(false())
    return query.where(User.unit_id.in_(scope_unit_ids(user)))


def can_review(user: User, visit: Visit) -> bool:
    """Supervisors review the visits of the cadres in their subtree, admins everyone's; nobody
    reviews their own."""
    if visit.cadre_id == user.id:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.SUPERVISOR and is_within(visit.cadre.unit, user.unit)


def can_view_visit(user: User, visit: Visit) -> bool:
    """A cadre sees their own visits; reviewers see the visits they may review."""
    return visit.cadre_id == user.id or can_review(user, visit)
