"""Admins and supervisors must use two-factor sign-in: one without it is sent to set it up right
after the password and can do nothing else until it is done, on the website or through the API.
Cadres may choose it."""

from __future__ import annotations

from sqlalchemy import select

from server.auth.models import Role, User
from server.auth.services import create_user, set_temporary_password
from server.extensions import db
from server.units.models import Unit
from tests.api.support import bearer, issue_token
from tests.factories import PASSWORD
from tests.helpers import csrf_token
from tests.twofactor.conftest import enrol


def _new_admin(app, world, temporary: str | None = None) -> None:
    with app.app_context():
        province = db.session.get(Unit, world.province)
        user = create_user("admin2", "Quản Trị Mới", PASSWORD, province, Role.ADMIN)
        if temporary:
            set_temporary_password(user, temporary)
        db.session.commit()


def test_an_admin_without_it_sets_it_up_before_anything_else(app, client, auth, world, clock):
    _new_admin(app, world)
    response = auth.sign_in("admin2")
    assert response.status_code == 302  # the password is enough to reach the set-up, nothing more
    for path in ("/", "/admin/", "/audit/", "/auth/password", "/auth/two-factor/"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/auth/two-factor/setup")
    assert client.get("/api/v1/bootstrap").status_code == 403
    token = csrf_token(client, "/auth/two-factor/setup")
    assert client.post("/api/v1/tokens", json={"device_name": "x"},
                       headers={"X-CSRFToken": token}).status_code == 403  # no device token either
    page = client.get("/auth/two-factor/setup").get_data(as_text=True)
    assert "Vai trò của bạn bắt buộc" in page
    enrol(client, clock)
    assert client.get("/admin/").status_code == 200


def test_the_api_refuses_an_admin_password_without_two_factor(app, client, world):
    _new_admin(app, world)
    response = client.post("/api/v1/tokens", json={"username": "admin2", "password": PASSWORD,
                                                   "device_name": "x"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "two_factor_setup_required"


def test_a_cadre_made_admin_cannot_use_an_old_device_token_until_set_up(app, client, world):
    token = issue_token(client, "cadre")
    assert client.get("/api/v1/bootstrap", headers=bearer(token)).status_code == 200
    with app.app_context():
        db.session.get(User, world.cadre).role = Role.ADMIN
        db.session.commit()
    response = client.get("/api/v1/bootstrap", headers=bearer(token))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "two_factor_setup_required"


def test_a_temporary_password_is_changed_first_then_two_factor(app, client, auth, world, clock):
    _new_admin(app, world, temporary="tam-thoi-12345")
    auth.sign_in("admin2", "tam-thoi-12345")
    assert client.get("/").headers["Location"].endswith("/auth/password")
    assert client.get("/auth/two-factor/setup").headers["Location"].endswith("/auth/password")
    token = csrf_token(client, "/auth/password")
    client.post("/auth/password", data={"current": "tam-thoi-12345", "new": "mat-khau-rieng-9",
                                        "confirm": "mat-khau-rieng-9", "csrf_token": token})
    assert client.get("/").headers["Location"].endswith("/auth/two-factor/setup")


def test_an_admin_who_turns_it_off_sets_it_up_again_at_once(app, client, world, clock):
    from tests.factories import ADMIN_TOTP_SECRET
    from tests.twofactor.conftest import sign_in

    sign_in(client, "admin", clock.code(ADMIN_TOTP_SECRET))
    clock.tick()
    token = csrf_token(client, "/auth/two-factor/")
    response = client.post("/auth/two-factor/disable", data={
        "password": PASSWORD, "code": clock.code(ADMIN_TOTP_SECRET), "csrf_token": token})
    assert response.headers["Location"].endswith("/auth/two-factor/setup")
    assert client.get("/admin/").headers["Location"].endswith("/auth/two-factor/setup")


def _new_supervisor(app, world) -> None:
    with app.app_context():
        create_user("sup2", "Giám Sát Mới", PASSWORD, db.session.get(Unit, world.province), Role.SUPERVISOR)
        db.session.commit()


def test_the_default_roles_are_admins_and_supervisors(monkeypatch, tmp_path):
    from server.config import from_environment

    monkeypatch.delenv("DICOSO_TWO_FACTOR_ROLES", raising=False)
    assert from_environment(tmp_path)["TWO_FACTOR_ROLES"] == ("admin", "supervisor")


def test_a_supervisor_without_it_sets_it_up_before_reading_any_visit(app, client, auth, world, clock):
    """Supervisors read and export every cadre's visits of their units: the password is not enough."""
    _new_supervisor(app, world)
    assert auth.sign_in("sup2").status_code == 302
    for path in ("/", "/review/", "/reports/", "/reports/visits?format=csv", "/hearings/"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/auth/two-factor/setup")
    assert client.get("/api/v1/bootstrap").status_code == 403
    phone = app.test_client()  # a device signing in with the password alone
    refused = phone.post("/api/v1/tokens", json={"username": "sup2", "password": PASSWORD,
                                                 "device_name": "x"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "two_factor_setup_required"
    assert "Vai trò của bạn bắt buộc" in client.get("/auth/two-factor/setup").get_data(as_text=True)
    enrol(client, clock)
    assert client.get("/review/").status_code == 200


def test_cadres_may_do_without(client, auth, world):
    auth.sign_in("cadre")
    assert client.get("/").status_code == 200


def test_the_required_roles_are_configurable(make_app, world):
    from tests.conftest import AuthActions

    app = make_app(TWO_FACTOR_ROLES=("admin",))  # a deployment that lets supervisors choose
    _new_supervisor(app, world)
    client = app.test_client()
    AuthActions(client).sign_in("sup2")
    assert client.get("/").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "sup2")).totp_secret is None
