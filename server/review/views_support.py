"""What the review pages show besides the visit itself: filter choices, the unit's place in the
tree, the cadre's year."""

from __future__ import annotations

from sqlalchemy import select

from server.auth.models import User
from server.auth.permissions import reviewable_cadre_ids, scope_unit_ids
from server.extensions import db
from server.regime.standing import Standing, standing, year_end
from server.time import today
from server.units.models import Unit
from server.units.tree import units_in_tree_order
from server.visits.models import Visit

#: beyond this many units or cadres a list of choices weighs more than the page: type a code instead
MAX_CHOICES = 300


def filter_choices(reviewer: User) -> tuple[list[tuple[int, str]] | None, list[tuple[int, str]] | None]:
    """The units and the cadres a reviewer can filter on, as (id, label); None where too many."""
    # the limit only tells "too many"; the order (tree order) is worked out on what comes back
    units = db.session.execute(
        select(Unit.id, Unit.path, Unit.kind, Unit.name).where(Unit.id.in_(scope_unit_ids(reviewer)))
        .limit(MAX_CHOICES + 1)).all()
    cadres = db.session.execute(
        select(User.id, User.full_name, User.username).where(User.id.in_(reviewable_cadre_ids(reviewer)))
        .order_by(User.full_name).limit(MAX_CHOICES + 1)).all()
    return ([(u.id, u.name) for u in units_in_tree_order(units)] if len(units) <= MAX_CHOICES else None,
            [(c.id, f"{c.full_name} ({c.username})") for c in cadres] if len(cadres) <= MAX_CHOICES else None)


def unit_by_code(reviewer: User, code: str) -> int | None:
    """The id of the unit in the reviewer's scope with this official code."""
    return db.session.scalar(select(Unit.id).where(Unit.code == code.strip(),
                                                    Unit.id.in_(scope_unit_ids(reviewer))))


def cadre_by_username(reviewer: User, username: str) -> int | None:
    """The id of a cadre the reviewer reviews, by username."""
    return db.session.scalar(select(User.id).where(User.username == username.strip().lower(),
                                                    User.id.in_(reviewable_cadre_ids(reviewer))))


def unit_path(unit: Unit) -> list[Unit]:
    """The unit and the units above it, from the top: Tỉnh đoàn › … › xã."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    found = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def visit_figures(visit: Visit) -> Standing:
    """The cadre's year of the visit, up to today (or the year's end), by the regime's rules."""
    year = visit.start_date.year
    return standing(visit.cadre, year_end(year, today()))
