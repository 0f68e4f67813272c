"""Reading one visit for the person asking (writes go through ``server.visits.store``)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import selectinload

from server.auth.models import User
from server.extensions import db
from server.visits.models import Visit


def own_visit(user: User, visit_id: uuid.UUID) -> Visit | None:
    """The user's own visit with this id; None for an unknown id and for anyone else's."""
    visit = db.session.get(Visit, visit_id, options=[selectinload(Visit.topics)])
    return visit if visit is not None and visit.cadre_id == user.id else None
