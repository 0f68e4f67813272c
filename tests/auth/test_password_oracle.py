"""The change-password form is no password oracle: its wrong current passwords count in the sign-in
windows, are refused past them with a message, and are audited."""

from __future__ import annotations

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.extensions import db
from tests.conftest import AuthActions
from tests.factories import PASSWORD
from tests.helpers import csrf_token

LIMITS = {"account_address": "3 per 15 minutes", "address": "100 per hour", "account": "100 per hour"}
LIMITED = {"RATELIMIT_ENABLED": True, "SIGN_IN_FAILURE_LIMITS": LIMITS,
           "SIGN_IN_RATE_LIMIT": "1000 per minute"}
TOO_MANY = "Nhập sai mật khẩu quá nhiều lần. Vui lòng chờ 15 phút rồi thử lại."


def _change(client, current: str):
    return client.post("/auth/password", data={
        "current": current, "new": "mat-khau-moi-9", "confirm": "mat-khau-moi-9",
        "csrf_token": csrf_token(client, "/auth/password")})


def test_wrong_current_passwords_are_limited_and_audited(make_app, world):
    app = make_app(**LIMITED)
    client = app.test_client()
    AuthActions(client).sign_in("cadre")
    for i in range(3):
        response = _change(client, f"guess-{i}")
        assert response.status_code == 400
        assert "Mật khẩu hiện tại không đúng." in response.get_data(as_text=True)

    refused = _change(client, PASSWORD)  # even the right one waits now: nothing is checked
    assert refused.status_code == 429
    assert TOO_MANY in refused.get_data(as_text=True)
    # the same windows as signing in: this account from this address may not sign in either
    other = app.test_client()
    assert AuthActions(other).sign_in("cadre").status_code == 429

    with app.app_context():
        entries = [(e.action, e.actor_id, e.entity_id, e.details["purpose"]) for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("reauth_%")).order_by(AuditEntry.id))]
        assert entries == [("reauth_failed", world.cadre, str(world.cadre), "change_password")] * 3 + [
            ("reauth_blocked", world.cadre, str(world.cadre), "change_password")]
        assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "change_password")) is None


def test_failed_sign_ins_count_against_the_change_password_form(make_app, world):
    app = make_app(**LIMITED)
    client = app.test_client()
    AuthActions(client).sign_in("cadre")
    guesser = app.test_client()
    for i in range(3):
        AuthActions(guesser).sign_in("cadre", f"guess-{i}")
    assert _change(client, PASSWORD).status_code == 429


def test_a_right_current_password_costs_nothing(make_app, world):
    app = make_app(**LIMITED)
    client = app.test_client()
    AuthActions(client).sign_in("cadre")
    assert _change(client, "guess-1").status_code == 400
    assert _change(client, "guess-2").status_code == 400
    assert _change(client, PASSWORD).status_code == 302  # the third try, right: given back
    assert AuthActions(app.test_client()).sign_in("cadre", "mat-khau-moi-9").status_code == 302
