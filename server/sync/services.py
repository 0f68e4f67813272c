"""Sync reads: the changes since a cursor (pull) and what a device needs offline (bootstrap).

Writes go through ``server.visits.push`` and ``server.visits.store``; this module only reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from server.auth.models import User
from server.auth.permissions import recordable_unit_ids
from server.extensions import db
from server.hearings import directions as hearing_directions
from server.hearings.queries import recent_accounts
from server.hearings.wire import account_wire, direction_wire
from server.photos.services import briefs_for, rules_for_devices
from server.planning.closing import report_window
from server.planning.models import Assignment, Placement
from server.planning.services import plan_years
from server.planning.wire import report_wire
from server.regime.standing import standing
from server.regime.wire import standing_wire
from server.time import today
from server.units.models import Unit
from server.units.names import vietnamese_order
from server.units.services import current_units_query
from server.visits import rules
from server.visits.labels import FORM_LABELS
from server.visits.models import Topic, Visit, VisitStatus
from server.visits.store import snapshot
from server.visits.wire import to_wire


@dataclass(frozen=True)
class PullPage:
    visits: list[dict[str, Any]]
    cursor: int
    more: bool
    directions: list[dict[str, Any]] = field(default_factory=list)
    directions_cursor: int = 0
    directions_more: bool = False
    #: the caller's year by the regime's rules, after this page's changes
    standing: dict[str, Any] = field(default_factory=dict)


def pull_changes(user: User, since: int, limit: int, directions_since: int = 0) -> PullPage:
    """The user's visits changed after ``since`` in change-sequence order, at most ``limit``.

    The sequence is handed out under a lock held to commit, so a change committed later always
    has a higher number: a client that walks the cursor never misses one. A phone needs only what
    a cadre works with: this year's and last year's visits, and any visit not approved yet (older
    approved visits stay on the server; the web pages list them).
    """
    first_kept = date(today().year - 1, 1, 1)
    visits = list(db.session.scalars(
        select(Visit).options(selectinload(Visit.topics), selectinload(Visit.directions))
        .where(Visit.cadre_id == user.id, Visit.change_seq > since,
               or_(Visit.start_date >= first_kept, Visit.status != VisitStatus.APPROVED))
        .order_by(Visit.change_seq).limit(limit + 1)
    ))
    more = len(visits) > limit
    visits = visits[:limit]
    cursor = visits[-1].change_seq if visits else since
    changed, directions_cursor, directions_more = hearing_directions.changed_since(
        user.id, directions_since, limit)
    photos = briefs_for(v.id for v in visits)
    return PullPage([{**to_wire(snapshot(v)), "photos": photos[v.id]} for v in visits], cursor, more,
                    [direction_wire(d, user.locale) for d in changed], directions_cursor, directions_more,
                    standing_wire(standing(user, today()), user.id))


# -- bootstrap ----------------------------------------------------------------------------------

def _placement(placement: Placement) -> dict[str, Any]:
    first, last = report_window(placement)
    return {"id": placement.id, "unit_id": placement.unit_id, "unit_name": placement.unit.name,
            "start_date": placement.start_date.isoformat(), "end_date": placement.end_date.isoformat(),
            "tasks": list(placement.tasks or []), "mentor_name": placement.mentor_name,
            "closing_report": report_wire(placement.report) if placement.report else None,
            "closing_report_from": first.isoformat(), "closing_report_until": last.isoformat()}


def bootstrap(user: User) -> dict[str, Any]:
    """What a device needs to record visits offline, in the user's language (no server time)."""
    on = today()
    assigned = set(db.session.scalars(
        select(Assignment.unit_id).where(
            Assignment.cadre_id == user.id, Assignment.start_date <= on,
            (Assignment.end_date.is_(None)) | (Assignment.end_date >= on),
        )
    ))
    units = db.session.scalars(
        current_units_query(on).where(Unit.id.in_(recordable_unit_ids(user, on)))
    ).all()
    # the cadre's assigned units first, then the rest in Vietnamese alphabetical order
    units = sorted(units, key=lambda u: (u.id not in assigned, vietnamese_order(u.name), u.id))
    placements = db.session.scalars(
        select(Placement).options(selectinload(Placement.unit), selectinload(Placement.report))
        .where(Placement.cadre_id == user.id).order_by(Placement.start_date.desc(), Placement.id)
    ).all()
    topics = db.session.scalars(select(Topic).where(Topic.active.is_(True))).all()
    return {
        "user": {
            "id": user.id, "username": user.username, "full_name": user.full_name, "role": user.role,
            "locale": user.locale, "unit_id": user.unit_id, "unit_name": user.unit.name,
            "is_probationary": user.is_probationary, "is_full_time": user.is_full_time,
        },
        "units": [{"id": u.id, "name": u.name, "kind": u.kind, "code": u.code, "parent_id": u.parent_id,
                   "assigned": u.id in assigned} for u in units],
        "placements": [_placement(p) for p in placements],
        # in the admins' order (Topic.position), then by name in the reader's language
        "topics": [{"id": t.id, "name": t.name(user.locale)} for t in sorted(
            topics, key=lambda t: (t.position, t.name(user.locale).casefold(), t.id))],
        "forms": [{"code": code, "label": str(label)} for code, label in FORM_LABELS.items()],
        "standing": standing_wire(standing(user, on), user.id),
        "rules": {**rules.for_devices(), **rules_for_devices()},
        # a visit in a year without a plan asks to confirm its date (visits.rules.date_doubts)
        "plan_years": plan_years(),
        "directions": [direction_wire(d, user.locale) for d in hearing_directions.open_for(user.id)],
        "accounts": [account_wire(a) for a in recent_accounts(user.id, on)],
    }
