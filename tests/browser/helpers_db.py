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


def return_visit(app, comment: str) -> int:
    """Return the only visit as a supervisor would: status, comment, version + 1, a new change_seq."""
    from server.visits.services import next_change_seqs

    with app.app_context():
        visit = db.session.scalar(select(Visit))
        visit.status = "returned"
        visit.review_comment = comment
        visit.version += 1
        visit.change_seq = next_change_seqs(1)[0]
        db.session.commit()
        return visit.version


def only_visit(app) -> Visit:
    with app.app_context():
        visit = db.session.scalar(select(Visit))
        db.session.expunge(visit)
        return visit
