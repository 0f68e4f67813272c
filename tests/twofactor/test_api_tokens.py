"""POST /api/v1/tokens with a password: an account with two-factor sign-in also sends ``otp`` (a
fresh TOTP code or a recovery code); from a web session the session's two factors are enough."""

from __future__ import annotations

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.extensions import db
from tests.factories import ADMIN_TOTP_SECRET, PASSWORD
from tests.helpers import csrf_token
from tests.twofactor.conftest import enrol, sign_in


def _issue(client, **fields):
    return client.post("/api/v1/tokens", json={"username": "admin", "password": PASSWORD,
                                               "device_name": "phone", **fields})


def test_without_otp_the_answer_is_401_otp_required(app, client, world, clock):
    response = _issue(client)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "otp_required"
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "token_issue")) is None
    assert _issue(client, otp="").status_code == 400  # an empty otp is a malformed request


def test_a_wrong_otp_is_refused_and_audited(app, client, world, clock):
    response = _issue(client, otp=clock.code(ADMIN_TOTP_SECRET, steps=3))
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "otp_invalid"
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "two_factor_failed")).one()
        assert entry.details["via"] == "api"


def test_a_right_otp_issues_a_token_once(app, client, world, clock):
    code = clock.code(ADMIN_TOTP_SECRET)
    response = _issue(client, otp=code)
    assert response.status_code == 201
    assert _issue(client, otp=code).status_code == 401  # the same code again
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "token_issue")).one()
        assert entry.details["via"] == "password" and entry.details["second_factor"] == "totp"


def test_a_recovery_code_as_otp_works_once(app, client, auth, world, clock):
    auth.sign_in("cadre")
    _secret, codes = enrol(client, clock)
    body = {"username": "cadre", "password": PASSWORD, "device_name": "phone", "otp": codes[0]}
    assert client.post("/api/v1/tokens", json=body).status_code == 201
    assert client.post("/api/v1/tokens", json=body).status_code == 401


def test_the_wrong_password_is_still_just_a_wrong_password(client, world, clock):
    response = _issue(client, password="wrong-password", otp=clock.code(ADMIN_TOTP_SECRET))
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_a_web_session_that_passed_both_steps_may_mint_without_otp(app, client, world, clock):
    sign_in(client, "admin", clock.code(ADMIN_TOTP_SECRET))
    token = csrf_token(client, "/auth/password")
    response = client.post("/api/v1/tokens", json={"device_name": "pwa"}, headers={"X-CSRFToken": token})
    assert response.status_code == 201
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "token_issue")).one()
        assert entry.details["via"] == "session"


def test_the_openapi_document_names_the_otp_field(client):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["TokenRequest"]
    assert "otp" in schema["properties"]
