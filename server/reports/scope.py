"""Which units a report may cover: a subtree inside the reader's own scope, never outside it."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from server.auth.models import Role, User
from server.extensions import db
from server.regime.counting import Counting
from server.units.models import Unit
from server.units.services import is_within
from server.units.tree import units_in_tree_order


def parse_counting(raw: str | None) -> Counting:
    """Approved only unless asked otherwise: that is what a year-end evaluation normally counts."""
    try:
        return Counting(raw or Counting.APPROVED)
    except ValueError:
        return Counting.APPROVED


def root_unit(user: User) -> Unit:
    """The top of the user's scope: their unit, or the top of the tree for an admin."""
    if user.role == Role.ADMIN:
        top = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
        if top is not None:
            return top
    return user.unit


def resolve_unit(user: User, unit_id: int | None) -> Unit:
    """The unit a report was asked for, or the reader's root; 404 when it is outside their scope."""
    if unit_id is None:
        return root_unit(user)
    unit = db.session.get(Unit, unit_id)
    if unit is None or (user.role != Role.ADMIN and not is_within(unit, user.unit)):
        abort(404)
    return unit


def scope_choices(user: User) -> list[Unit]:
    """Units one may pick as a report's subtree: the non-grassroots units within scope, in tree order."""
    query = select(Unit).where(Unit.kind.in_(("province", "district", "agency")))
    if user.role != Role.ADMIN:
        query = query.where(Unit.path.startswith(user.unit.path, autoescape=True))
    return units_in_tree_order(db.session.scalars(query))
