"""An admin (or ``flask users reset-2fa``) clears someone's two-factor sign-in after a lost phone:
audited, the person is signed out everywhere and signs in with the password alone."""

from __future__ import annotations

from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.auth.models import DeviceToken, RecoveryCode, User
from server.extensions import db
from tests.api.support import bearer
from tests.conftest import AuthActions
from tests.factories import ADMIN_TOTP_SECRET, PASSWORD
from tests.helpers import csrf_token
from tests.twofactor.conftest import enrol, sign_in


def _enrolled_cadre(app, clock):
    cadre = app.test_client()
    AuthActions(cadre).sign_in("cadre")
    enrol(cadre, clock)
    clock.tick()
    return cadre


def test_an_admin_resets_it_and_the_person_signs_in_with_the_password(app, client, world, clock):
    cadre = _enrolled_cadre(app, clock)
    with app.app_context():
        secret = db.session.get(User, world.cadre).totp_secret
    device = cadre.post("/api/v1/tokens", json={"username": "cadre", "password": PASSWORD,
                                               "otp": clock.code(secret), "device_name": "x"}).get_json()
    sign_in(client, "admin", clock.code(ADMIN_TOTP_SECRET))
    page = client.get(f"/admin/users/{world.cadre}").get_data(as_text=True)
    assert "đã bật xác thực hai lớp" in page and "Đặt lại xác thực hai lớp" in page
    token = csrf_token(client, f"/admin/users/{world.cadre}")
    response = client.post(f"/admin/users/{world.cadre}/reset-two-factor", data={"csrf_token": token})
    assert response.status_code == 302
    assert cadre.get("/").status_code == 302  # signed out of the browser
    assert cadre.get("/api/v1/tokens", headers=bearer(device["token"])).status_code == 401  # and devices
    with app.app_context():
        user = db.session.get(User, world.cadre)
        assert user.totp_secret is None and user.totp_enabled_at is None
        assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
        assert db.session.get(DeviceToken, device["id"]).revoked_at is not None
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "two_factor_reset")).one()
        assert entry.actor_id == world.admin and entry.entity_id == str(world.cadre)
    assert AuthActions(cadre).sign_in("cadre").headers["Location"] == "/?fresh=1"
    assert "chưa bật xác thực hai lớp" in client.get(f"/admin/users/{world.cadre}").get_data(as_text=True)


def test_an_admin_cannot_reset_their_own(app, client, world, clock):
    sign_in(client, "admin", clock.code(ADMIN_TOTP_SECRET))
    token = csrf_token(client, f"/admin/users/{world.admin}")
    response = client.post(f"/admin/users/{world.admin}/reset-two-factor", data={"csrf_token": token})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, world.admin).totp_secret == ADMIN_TOTP_SECRET


def test_the_command_line_resets_a_locked_out_admin(app, runner, world):
    result = runner.invoke(args=["users", "reset-2fa", "admin"])
    assert result.exit_code == 0 and "reset" in result.output
    with app.app_context():
        assert db.session.get(User, world.admin).totp_secret is None
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "two_factor_reset")).one()
        assert entry.actor_id is None
    assert "no two-factor" in runner.invoke(args=["users", "reset-2fa", "admin"]).output
    assert runner.invoke(args=["users", "reset-2fa", "nobody"]).exit_code != 0
