"""Fixtures for photo tests: the cadre's device token and one of their visits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from server.extensions import db
from tests.api.support import issue_token
from tests.factories import make_visit


@pytest.fixture
def token(client, world) -> str:
    """A device token of "cadre"."""
    return issue_token(client, "cadre")


@pytest.fixture
def visit_id(app, world) -> str:
    """A submitted visit of "cadre"."""
    with app.app_context():
        visit = make_visit(world.cadre, world.commune_a1, start=date.today() - timedelta(days=5))
        db.session.commit()
        return str(visit.id)
