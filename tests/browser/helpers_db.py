"""Read the server's database from a browser test (the live server runs in this process)."""

from __future__ import annotations

from sqlalchemy import func, select

from server.extensions import db
from server.visits.models import Visit


def visit_count(app, **filters) -> int:
    with app.app_context():
        query = select(func.count()).select_from(Visit).filter_by(**filters)
        return db.session.scalar(query)


def summaries(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Visit.summary)))
