"""Role and unit-scope rules (server/auth/permissions.py)."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from server.auth.models import User
from server.auth.permissions import can_review, can_view_visit, recordable_unit_ids, roles_required
from server.extensions import db
from tests.factories import make_visit


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def test_recordable_units_are_own_subtree_plus_assignments(app, world):
    with app.app_context():
        ids = set(db.session.scalars(recordable_unit_ids(_user(world.cadre), date.today())))
        assert ids == {world.district_a, world.commune_a1, world.commune_a2, world.commune_b1}
        assert world.province not in ids and world.district_b not in ids


def test_assignments_count_only_while_they_run(app, world):
    with app.app_context():
        ids = set(db.session.scalars(recordable_unit_ids(_user(world.cadre), date(2019, 12, 31))))
        assert world.commune_b1 not in ids


def test_admin_may_record_anywhere(app, world):
    with app.app_context():
        ids = set(db.session.scalars(recordable_unit_ids(_user(world.admin), date.today())))
        assert world.province in ids and world.commune_b1 in ids


@pytest.mark.parametrize(
    ("reviewer", "unit", "allowed"),
    [
        ("supervisor", "commune_a1", True),
        ("supervisor", "commune_b1", True),
        ("district_supervisor", "commune_a1", True),
        # the cadre belongs to district A: its supervisor reviews all their visits, wherever they went
        ("district_supervisor", "commune_b1", True),
        ("admin", "commune_b1", True),
        ("other_cadre", "commune_a1", False),  # cadres do not review
    ],
)
def test_review_scope_is_the_reviewers_subtree(app, world, reviewer, unit, allowed):
    with app.app_context():
        visit = make_visit(world.cadre, getattr(world, unit))
        assert can_review(_user(getattr(world, reviewer)), visit) is allowed
        assert can_view_visit(_user(getattr(world, reviewer)), visit) is allowed


def test_a_supervisor_does_not_review_cadres_of_another_subtree(app, world):
    from server.auth.models import Role
    from server.auth.services import create_user
    from server.units.models import Unit

    with app.app_context():
        outsider = create_user("cadreb", "Cán Bộ Huyện B", "password-123",
                               db.session.get(Unit, world.district_b), Role.CADRE)
        visit = make_visit(outsider.id, world.commune_a1)  # even in a commune of district A
        assert not can_review(_user(world.district_supervisor), visit)
        assert can_review(_user(world.supervisor), visit)


def test_nobody_reviews_their_own_visit(app, world):
    with app.app_context():
        visit = make_visit(world.district_supervisor, world.commune_a1)
        assert not can_review(_user(world.district_supervisor), visit)
        assert can_view_visit(_user(world.district_supervisor), visit)


def test_roles_required_gives_403_to_other_roles(make_app, auth, world):
    app: Flask = make_app()

    @app.get("/only-supervisors")
    @roles_required("supervisor", "admin")
    def only_supervisors():
        return "ok"

    client = app.test_client()
    assert client.get("/only-supervisors").status_code == 302  # not signed in: to the sign-in page
    from tests.conftest import AuthActions

    AuthActions(client).sign_in("cadre")
    forbidden = client.get("/only-supervisors")
    assert forbidden.status_code == 403
    assert "Bạn không có quyền" in forbidden.get_data(as_text=True)
    AuthActions(client).sign_out()
    AuthActions(client).sign_in("sup")
    assert client.get("/only-supervisors").get_data(as_text=True) == "ok"


def test_the_batch_rule_agrees_with_the_query(app, world):
    """unit_recording_rule (used for pushed batches) and recordable_unit_ids say the same."""
    from server.auth.permissions import unit_recording_rule
    from server.units.models import Unit

    with app.app_context():
        all_units = set(db.session.scalars(select(Unit.id)))
        for user_id in (world.cadre, world.district_supervisor, world.admin):
            user = _user(user_id)
            for day in (date(2019, 6, 1), date.today()):
                allowed = unit_recording_rule(user, all_units)
                by_rule = {unit for unit in all_units if allowed(unit, day)}
                assert by_rule == set(db.session.scalars(recordable_unit_ids(user, day)))
