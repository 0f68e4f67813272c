"""Device tokens: issue (password or web session + CSRF), list, revoke, expiry, deactivation."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import DeviceToken, User
from server.auth.services import deactivate_user
from server.db import utcnow
from server.extensions import db
from tests.api.support import bearer, issue_token
from tests.factories import PASSWORD
from tests.helpers import csrf_token


def _token_row(app, secret: str) -> DeviceToken:
    with app.app_context():
        row = db.session.scalar(select(DeviceToken).where(
            DeviceToken.token_hash == hashlib.sha256(secret.encode()).hexdigest()))
        db.session.expunge(row)
        return row


def test_issue_with_password_shows_the_token_once_and_stores_only_its_hash(app, client, world):
    response = client.post("/api/v1/tokens", json={
        "username": "cadre", "password": PASSWORD, "device_name": "Điện thoại Lan"})
    assert response.status_code == 201
    body = response.get_json()
    secret = body["token"]
    assert len(secret) >= 40 and body["name"] == "Điện thoại Lan"
    assert response.headers["Cache-Control"] == "no-store"
    row = _token_row(app, secret)
    assert row.user_id == world.cadre and secret not in row.token_hash
    assert timedelta(days=179) < row.expires_at - row.created_at <= timedelta(days=180)
    listed = client.get("/api/v1/tokens", headers=bearer(secret)).get_json()["tokens"]
    assert [(t["id"], t["current"]) for t in listed] == [(body["id"], True)]
    assert "token" not in listed[0]
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.entity_type == "device_token")) \
            == "token_issue"


def test_token_lifetime_is_configurable(make_app, world):
    app = make_app(DEVICE_TOKEN_DAYS=7)
    row = _token_row(app, issue_token(app.test_client()))
    assert row.expires_at - row.created_at == timedelta(days=7)


def test_wrong_password_gets_401_in_the_envelope(client, world):
    response = client.post("/api/v1/tokens", json={
        "username": "cadre", "password": "nope", "device_name": "x"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert response.get_json()["error"]["message"] == "Sai tên đăng nhập hoặc mật khẩu."
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_issue_needs_a_device_name(client, world):
    response = client.post("/api/v1/tokens", json={"username": "cadre", "password": PASSWORD})
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"device_name": ["Thiếu dữ liệu cho trường bắt buộc."]}


def test_issue_from_a_web_session_needs_the_csrf_header(app, client, auth, world):
    auth.sign_in("cadre")
    refused = client.post("/api/v1/tokens", json={"device_name": "PWA"})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf"
    with app.app_context():
        assert db.session.scalar(select(DeviceToken)) is None
    token = csrf_token(client, "/")  # the signed-in page's token, as the PWA reads it
    response = client.post("/api/v1/tokens", json={"device_name": "PWA"}, headers={"X-CSRFToken": token})
    assert response.status_code == 201
    assert _token_row(app, response.get_json()["token"]).user_id == world.cadre


def test_without_any_credentials_issue_is_401(client, world):
    response = client.post("/api/v1/tokens", json={"device_name": "x"})
    assert response.status_code == 401


def test_bearer_requests_need_no_csrf(client, world):
    secret = issue_token(client)
    response = client.post("/api/v1/sync/push", json={"device_id": "d", "visits": []}, headers=bearer(secret))
    assert response.status_code == 200


def test_revoke_own_token(app, client, world):
    secret = issue_token(client)
    other = issue_token(client, device="tablet")
    token_id = _token_row(app, other).id
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=bearer(secret)).status_code == 204
    assert client.get("/api/v1/bootstrap", headers=bearer(other)).status_code == 401
    assert client.get("/api/v1/bootstrap", headers=bearer(secret)).status_code == 200
    assert [t["name"] for t in client.get("/api/v1/tokens", headers=bearer(secret)).get_json()["tokens"]] \
        == ["test phone"]
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert "token_revoke" in actions


def test_a_cadre_cannot_revoke_anothers_token_but_an_admin_can(app, client, world):
    mine = issue_token(client, "cadre")
    theirs = issue_token(client, "cadre2")
    their_id = _token_row(app, theirs).id
    assert client.delete(f"/api/v1/tokens/{their_id}", headers=bearer(mine)).status_code == 404
    assert client.get("/api/v1/bootstrap", headers=bearer(theirs)).status_code == 200
    admin = issue_token(client, "admin")
    assert client.delete(f"/api/v1/tokens/{their_id}", headers=bearer(admin)).status_code == 204
    assert client.get("/api/v1/bootstrap", headers=bearer(theirs)).status_code == 401
    assert client.delete("/api/v1/tokens/99999", headers=bearer(admin)).status_code == 404


def test_expired_unknown_and_malformed_tokens_get_401(app, client, world):
    secret = issue_token(client)
    with app.app_context():
        db.session.execute(DeviceToken.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    for headers in (bearer(secret), bearer("made-up"), {"Authorization": "Basic Y2FkcmU6eA=="},
                    {"Authorization": "Bearer "}):
        response = client.get("/api/v1/sync/pull", headers=headers)
        assert response.status_code == 401, headers
        assert set(response.get_json()["error"]) == {"code", "message", "fields"}


def test_the_token_is_never_taken_from_the_url(client, world):
    secret = issue_token(client)
    assert client.get(f"/api/v1/bootstrap?access_token={secret}").status_code == 401
    assert client.get(f"/api/v1/bootstrap?token={secret}").status_code == 401


def test_deactivating_a_user_ends_their_tokens_and_sessions(app, client, auth, world):
    secret = issue_token(client)
    auth.sign_in("cadre")
    assert client.get("/api/v1/bootstrap").status_code == 200  # the web session works for GETs
    with app.app_context():
        deactivate_user(db.session.get(User, world.cadre))
        db.session.commit()
    assert client.get("/api/v1/bootstrap", headers=bearer(secret)).status_code == 401
    assert client.get("/api/v1/bootstrap").status_code == 401
    response = client.post("/api/v1/tokens", json={"username": "cadre", "password": PASSWORD,
                                                   "device_name": "again"})
    assert response.status_code == 401


def test_last_used_is_written_only_every_few_minutes(app, client, world):
    secret = issue_token(client)
    client.get("/api/v1/tokens", headers=bearer(secret))
    first = _token_row(app, secret).last_used_at
    assert first is not None
    client.get("/api/v1/tokens", headers=bearer(secret))
    assert _token_row(app, secret).last_used_at == first
    with app.app_context():
        db.session.execute(DeviceToken.__table__.update().values(last_used_at=first - timedelta(minutes=10)))
        db.session.commit()
    client.get("/api/v1/tokens", headers=bearer(secret))
    assert _token_row(app, secret).last_used_at > first - timedelta(minutes=1)


def test_issuing_is_rate_limited_with_a_json_429(make_app, world):
    app = make_app(RATELIMIT_ENABLED=True, TOKEN_RATE_LIMIT="12 per minute")
    client = app.test_client()
    statuses = [client.post("/api/v1/tokens", json={"username": "cadre", "password": "wrong",
                                                     "device_name": "x"}).status_code for _ in range(11)]
    # ten wrong passwords for one account from one address, then it waits (tests/auth/test_throttle.py)
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    assert client.post("/api/v1/tokens", json={"username": "cadre", "password": "wrong", "device_name": "x"}
                       ).get_json()["error"]["code"] == "too_many_failures"
    # and any requests past the per-address limit
    response = client.post("/api/v1/tokens", json={})
    body = response.get_json()
    assert response.status_code == 429
    assert body["error"]["code"] == "too_many_requests"
    assert body["error"]["message"] == "Quá nhiều yêu cầu. Vui lòng chờ một lát rồi thử lại."


def test_revoking_an_id_beyond_the_integer_range_is_404(client, world):
    secret = issue_token(client)
    assert client.delete(f"/api/v1/tokens/{2**40}", headers=bearer(secret)).status_code == 404


def test_a_device_revokes_its_own_token_when_signing_out(app, client, world):
    secret = issue_token(client)
    other = issue_token(client, device="tablet")
    assert client.delete("/api/v1/tokens/current", headers=bearer(secret)).status_code == 204
    assert client.get("/api/v1/bootstrap", headers=bearer(secret)).status_code == 401
    assert client.get("/api/v1/bootstrap", headers=bearer(other)).status_code == 200  # only that one
    # done twice (an answer lost on the way): the token is gone either way, 401 says so
    again = client.delete("/api/v1/tokens/current", headers=bearer(secret))
    assert again.status_code == 401 and again.headers["WWW-Authenticate"].startswith("Bearer")
    with app.app_context():
        entries = db.session.execute(select(AuditEntry.action, AuditEntry.actor_id)
                                     .where(AuditEntry.action == "token_revoke")).all()
        assert entries == [("token_revoke", world.cadre)]


def test_revoking_the_current_token_needs_a_device_token_not_a_session(app, client, auth, world):
    secret = issue_token(client)
    auth.sign_in("cadre")
    token = csrf_token(client, "/")
    response = client.delete("/api/v1/tokens/current", headers={"X-CSRFToken": token})
    assert response.status_code == 401  # a session has no token of its own
    assert client.get("/api/v1/bootstrap", headers=bearer(secret)).status_code == 200
    assert client.delete("/api/v1/tokens/current", headers=bearer("made-up")).status_code == 401


def test_a_user_who_must_change_their_password_can_still_sign_a_device_out(app, client, auth, world):
    secret = issue_token(client)
    auth.sign_in("cadre")  # the page's session rides along with the PWA's requests
    with app.app_context():
        db.session.get(User, world.cadre).must_change_password = True
        db.session.commit()
    assert client.get("/api/v1/bootstrap", headers=bearer(secret)).status_code == 403
    assert client.delete("/api/v1/tokens/current", headers=bearer(secret)).status_code == 204
    assert app.test_client().get("/api/v1/tokens", headers=bearer(secret)).status_code == 401  # revoked
