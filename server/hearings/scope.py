"""Who sees what of the hearing feature (the rules of server/auth/permissions.py applied to it).

A cadre sees their own month, account and directions; a supervisor sees those of the cadres in
their subtree and the hearings of units in it; an admin sees everything. Outside one's scope an
object answers 404, as everywhere.
"""

from __future__ import annotations

from server.auth.models import Role, User
from server.hearings.models import Hearing
from server.units.services import is_within


def can_hold_hearings(user: User) -> bool:
    return user.role in (Role.SUPERVISOR, Role.ADMIN)


def can_see_cadre(user: User, cadre: User) -> bool:
    if user.id == cadre.id or user.role == Role.ADMIN:
        return True
    return user.role == Role.SUPERVISOR and is_within(cadre.unit, user.unit)


def can_see_hearing(user: User, hearing: Hearing) -> bool:
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.SUPERVISOR and is_within(hearing.unit, user.unit)


def heard_at(hearing: Hearing, cadre: User) -> bool:
    """The cadre belongs to the hearing's subtree."""
    return is_within(cadre.unit, hearing.unit)
