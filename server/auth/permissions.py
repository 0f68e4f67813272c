"""Role and unit-scope rules, in one place.

A supervisor's scope is their unit's subtree; an admin's is everything. A cadre records visits for
the units in their own unit's subtree and for the units they are assigned to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, or_, select

from server.auth.models import Role, User
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


def recordable_unit_ids(user: User, on: date) -> Select:
    """Units the user may record a visit for: their subtree plus units assigned to them on ``on``."""
    assigned = select(Assignment.unit_id).where(
        Assignment.cadre_id == user.id,
        Assignment.start_date <= on,
        or_(Assignment.end_date.is_(None), Assignment.end_date >= on),
    )
    return select(Unit.id).where(or_(Unit.id.in_(scope_unit_ids(user)), Unit.id.in_(assigned)))


def can_review(user: User, visit: Visit) -> bool:
    """Supervisors review visits in their subtree, admins everywhere; nobody reviews their own."""
    if visit.cadre_id == user.id:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.SUPERVISOR and is_within(visit.unit, user.unit)


def can_view_visit(user: User, visit: Visit) -> bool:
    """A cadre sees their own visits; reviewers see the visits they may review."""
    return visit.cadre_id == user.id or can_review(user, visit)
