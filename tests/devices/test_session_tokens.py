"""A device token ends with the web session that issued it: signing out on the server revokes it,
even when the page's script (which also revokes it) never ran."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import DeviceToken, WebSession
from server.db import utcnow
from server.extensions import db
from tests.api.support import bearer, issue_token
from tests.conftest import AuthActions
from tests.helpers import csrf_token


def _session_token(client) -> str:
    response = client.post("/api/v1/tokens", json={"device_name": "PWA"},
                           headers={"X-CSRFToken": csrf_token(client, "/auth/password")})
    assert response.status_code == 201
    return response.get_json()["token"]


def _works(client, secret: str) -> bool:
    return client.get("/api/v1/tokens", headers=bearer(secret)).status_code == 200


def _token(app, secret: str) -> DeviceToken:
    with app.app_context():
        row = db.session.scalar(select(DeviceToken).where(
            DeviceToken.token_hash == hashlib.sha256(secret.encode()).hexdigest()))
        db.session.expunge(row)
        return row


def _last_used_long_ago() -> None:
    """Its last use is old enough to be written again at the next request (once a minute)."""
    db.session.execute(DeviceToken.__table__.update().values(last_used_at=utcnow() - timedelta(minutes=2)))


def test_a_plain_sign_out_revokes_the_token_its_session_issued(app, world):
    browser = app.test_client()
    AuthActions(browser).sign_in("cadre")
    issued_here = _session_token(browser)
    elsewhere = issue_token(app.test_client(), "cadre", device="another phone")  # with a password
    other_session = app.test_client()
    AuthActions(other_session).sign_in("cadre")
    issued_there = _session_token(other_session)
    with app.app_context():
        session_id = db.session.scalar(select(WebSession.id).order_by(WebSession.id))
    assert _token(app, issued_here).web_session_id == session_id

    # the form post alone, as a browser without the page's script sends it
    AuthActions(browser).sign_out()

    assert not _works(app.test_client(), issued_here)
    assert _works(app.test_client(), elsewhere) and _works(app.test_client(), issued_there)
    revoked = _token(app, issued_here).id
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sign_out"))
        assert entry.details["tokens_revoked"] == [revoked]


def test_a_token_follows_the_session_it_is_used_with(app, world):
    """The phone was offline past its session's idle time and the person signed in again: the token
    (issued by the old session) now ends with the new one."""
    browser = app.test_client()
    AuthActions(browser).sign_in("cadre")
    secret = _session_token(browser)
    with app.app_context():
        db.session.execute(WebSession.__table__.update().values(
            last_seen_at=utcnow() - app.config["SESSION_IDLE"] - timedelta(minutes=1)))
        _last_used_long_ago()
        db.session.commit()
    assert browser.get("/").status_code == 302  # the session ended unused
    AuthActions(browser).sign_in("cadre")
    assert browser.get("/api/v1/tokens", headers=bearer(secret)).status_code == 200  # cookie and token
    with app.app_context():
        new_session = db.session.scalar(select(WebSession.id).order_by(WebSession.id.desc()))
    assert _token(app, secret).web_session_id == new_session

    AuthActions(browser).sign_out()
    assert not _works(app.test_client(), secret)


def test_another_persons_session_does_not_take_a_token(app, world):
    """A shared phone: the token of the cadre who left is used with the next person's cookie."""
    browser = app.test_client()
    secret = issue_token(app.test_client(), "cadre")
    AuthActions(browser).sign_in("cadre2")
    with app.app_context():
        _last_used_long_ago()
        db.session.commit()
    assert browser.get("/api/v1/tokens", headers=bearer(secret)).status_code == 200
    assert _token(app, secret).web_session_id is None
    AuthActions(browser).sign_out()
    assert _works(app.test_client(), secret)
