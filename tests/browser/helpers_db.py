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
    """Return the only visit as a supervisor would (the review service); its new version."""
    from server.auth.models import Role, User
    from tests.factories import review_visit

    with app.app_context():
        visit = db.session.scalar(select(Visit))
        reviewer = db.session.scalar(select(User).where(User.role == Role.SUPERVISOR))
        review_visit(visit.id, reviewer.id, "returned", comment)
        db.session.commit()
        return db.session.get(Visit, visit.id).version


def only_visit(app) -> Visit:
    with app.app_context():
        visit = db.session.scalar(select(Visit))
        db.session.expunge(visit)
        return visit
