"""Read-only queries behind the visit pages."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.auth.models import User
from server.extensions import db
from server.planning.models import Placement
from server.units.models import Unit
from server.visits.models import Visit


def own_visit(user: User, visit_id: uuid.UUID) -> Visit | None:
    """The user's own visit with this id; others' visits are as good as absent."""
    visit = db.session.get(Visit, visit_id)
    return visit if visit is not None and visit.cadre_id == user.id else None


def form_data(visit: Visit) -> SimpleNamespace:
    """A visit's values under the form's field names."""
    return SimpleNamespace(
        id=str(visit.id), base_version=str(visit.version), unit_id=visit.unit_id,
        placement_id=visit.placement_id, start_date=visit.start_date, end_date=visit.end_date,
        form=visit.form, topics=[t.id for t in visit.topics], summary=visit.summary,
        findings=visit.findings, recommendations=visit.recommendations,
        participants=visit.participants,
    )


def prefill_placement(form: Any, bootstrap: dict, args: Mapping[str, str]) -> None:
    """Open the form for one placement day (links on the placement page)."""
    try:
        placement_id = int(args.get("placement", ""))
        day = date.fromisoformat(args.get("date", ""))
    except ValueError:
        return
    placement = next((p for p in bootstrap["placements"] if p["id"] == placement_id), None)
    if placement is None:
        return
    form.placement_id.data = placement_id
    form.unit_id.data = placement["unit_id"]
    form.start_date.data = form.end_date.data = day


def my_visits(user: User) -> list[Visit]:
    return list(db.session.scalars(
        select(Visit).options(selectinload(Visit.unit)).where(Visit.cadre_id == user.id)
        .order_by(Visit.start_date.desc(), Visit.received_at.desc())
    ))


def unit_names(user: User) -> dict[int, str]:
    return dict(db.session.execute(
        select(Unit.id, Unit.name).where(Unit.id.in_(select(Visit.unit_id).where(Visit.cadre_id == user.id)))
    ).all())


@dataclass(frozen=True)
class PlacementDay:
    number: int
    day: date
    visit: Visit | None


@dataclass(frozen=True)
class PlacementView:
    placement: Placement
    days: list[PlacementDay]


def my_placements(user: User) -> list[PlacementView]:
    """The user's placements, each with its days and the visit logged for each day, if any."""
    placements = db.session.scalars(
        select(Placement).options(selectinload(Placement.unit))
        .where(Placement.cadre_id == user.id).order_by(Placement.start_date.desc())
    ).all()
    views = []
    for placement in placements:
        logged = {v.start_date: v for v in db.session.scalars(
            select(Visit).where(Visit.placement_id == placement.id, Visit.cadre_id == user.id))}
        span = (placement.end_date - placement.start_date).days + 1
        days = [PlacementDay(n + 1, d, logged.get(d))
                for n, d in ((n, placement.start_date + timedelta(days=n)) for n in range(span))]
        views.append(PlacementView(placement, days))
    return views
