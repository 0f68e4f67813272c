"""What the review pages show besides the visit itself: filter choices, the unit's place in the
tree, the cadre's year."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from server.auth.models import User
from server.auth.permissions import reviewable_cadre_ids, scope_unit_ids
from server.extensions import db
from server.home.services import YearProgress, year_progress
from server.time import today
from server.units.models import Unit
from server.visits.models import Visit


def filter_choices(reviewer: User) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The units and the cadres a reviewer can filter on, as (id, label)."""
    units = db.session.execute(
        select(Unit.id, Unit.name).where(Unit.id.in_(scope_unit_ids(reviewer))).order_by(Unit.path)).all()
    cadres = db.session.execute(
        select(User.id, User.full_name, User.username).where(User.id.in_(reviewable_cadre_ids(reviewer)))
        .order_by(User.full_name)).all()
    return ([(u.id, u.name) for u in units],
            [(c.id, f"{c.full_name} ({c.username})") for c in cadres])


def unit_path(unit: Unit) -> list[Unit]:
    """The unit and the units above it, from the top: Tỉnh đoàn › … › xã."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    found = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True)
class VisitFigures:
    cadre_year: YearProgress


def visit_figures(visit: Visit) -> VisitFigures:
    """The cadre's days so far this year against the plan's minimum."""
    return VisitFigures(year_progress(visit.cadre, today().year))
