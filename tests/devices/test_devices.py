"""Device tokens end with their owner's intent: a password change or turning two-factor sign-in on
revokes them all (the phone in hand gets a new one from its web session), and "My devices" lists
one's own, with their last use, to sign out one or all."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import DeviceToken, WebSession
from server.db import utcnow
from server.extensions import db
from server.time import LOCAL_ZONE
from tests.api.support import bearer, issue_token
from tests.conftest import AuthActions
from tests.factories import PASSWORD
from tests.helpers import csrf_token
from tests.twofactor.conftest import enrol

NEW_PASSWORD = "mat-khau-moi-9"
ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Mobile Safari/537.36")


def _row(app, secret: str) -> DeviceToken:
    with app.app_context():
        row = db.session.scalar(select(DeviceToken).where(
            DeviceToken.token_hash == hashlib.sha256(secret.encode()).hexdigest()))
        db.session.expunge(row)
        return row


def _session_token(client, device: str = "PWA", user_agent: str = ANDROID_CHROME) -> str:
    """A token the signed-in page's script asks for, as pwa/js/sync.js does."""
    response = client.post("/api/v1/tokens", json={"device_name": device},
                           headers={"X-CSRFToken": csrf_token(client, "/auth/password"),
                                    "User-Agent": user_agent})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def _works(client, secret: str) -> bool:
    """Whether the token signs in, asked without the browser's cookie (with it, the token would
    follow that browser's session: tests/devices/test_session_tokens.py)."""
    status = client.application.test_client().get("/api/v1/tokens", headers=bearer(secret)).status_code
    assert status in (200, 401)
    return status == 200


def _change_password(client, current: str = PASSWORD):
    return client.post("/auth/password", data={
        "current": current, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD,
        "csrf_token": csrf_token(client, "/auth/password")})


def test_changing_the_password_ends_every_token_and_the_other_sessions(app, world):
    other_phone = app.test_client()
    old_token = issue_token(other_phone, "cadre", device="máy cũ")  # someone who learnt the password
    AuthActions(other_phone).sign_in("cadre")
    here = app.test_client()
    AuthActions(here).sign_in("cadre")
    this_phone = _session_token(here)
    assert _works(here, old_token) and _works(here, this_phone)

    response = _change_password(here)
    assert response.status_code == 302

    assert not _works(here, old_token) and not _works(here, this_phone)
    assert other_phone.get("/").status_code == 302  # the other browser is signed out
    assert here.get("/").status_code == 200  # this one goes on...
    fresh = _session_token(here)  # ...and its app gets a new token from it (a 401 makes it ask)
    assert _works(here, fresh)
    revoked = sorted([_row(app, old_token).id, _row(app, this_phone).id])
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "change_password"))
        assert sorted(entry.details["tokens_revoked"]) == revoked


def test_turning_two_factor_on_ends_every_token_and_the_other_sessions(app, world, clock):
    other_phone = app.test_client()
    old_token = issue_token(other_phone, "cadre")
    AuthActions(other_phone).sign_in("cadre")
    here = app.test_client()
    AuthActions(here).sign_in("cadre")
    this_phone = _session_token(here)

    enrol(here, clock)

    assert not _works(here, old_token) and not _works(here, this_phone)
    assert other_phone.get("/").status_code == 302
    assert here.get("/").status_code == 200
    assert _works(here, _session_token(here))
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "two_factor_enable"))
        assert len(entry.details["tokens_revoked"]) == 2


def test_my_devices_lists_my_own_tokens_with_their_last_use(app, world):
    client = app.test_client()
    AuthActions(client).sign_in("cadre")
    issue_token(app.test_client(), "cadre2", device="máy của người khác")
    never = issue_token(app.test_client(), "cadre", device="máy tính bảng")
    phone = _session_token(client, device="Linux armv8l · 2026-12-01")
    assert _works(client, phone)  # its use is written
    with app.app_context():
        db.session.execute(DeviceToken.__table__.update()
                           .where(DeviceToken.id == _row(app, never).id)
                           .values(created_at=utcnow() - timedelta(days=3)))
        db.session.commit()

    page = client.get("/account/devices/").get_data(as_text=True)
    assert "máy tính bảng" in page and "Linux armv8l · 2026-12-01" in page
    assert "máy của người khác" not in page
    assert "Chrome · Android" in page  # the browser that asked for it, in a few words
    assert "trình duyệt này" in page  # the token this browser's session issued
    assert "chưa dùng lần nào" in page  # the tablet's never used
    used = _row(app, phone).last_used_at.astimezone(LOCAL_ZONE)
    assert f"dùng lần cuối {used:%d/%m/%Y %H:%M}" in page
    # reached from the account links of every page
    assert 'href="/account/devices/"' in client.get("/").get_data(as_text=True)


def test_last_use_is_written_at_most_once_a_minute(app, client, world):
    secret = issue_token(client)
    assert _works(client, secret)
    first = _row(app, secret).last_used_at
    with app.app_context():
        db.session.execute(DeviceToken.__table__.update().values(last_used_at=first - timedelta(seconds=30)))
        db.session.commit()
    assert _works(client, secret)
    assert _row(app, secret).last_used_at == first - timedelta(seconds=30)  # not yet a minute
    with app.app_context():
        db.session.execute(DeviceToken.__table__.update().values(last_used_at=first - timedelta(seconds=61)))
        db.session.commit()
    assert _works(client, secret)
    assert _row(app, secret).last_used_at > first - timedelta(seconds=5)


def _sign_out(client, password: str = PASSWORD, button: str = "selected", **ticked):
    token = csrf_token(client, "/account/devices/")
    return client.post("/account/devices/", data={"csrf_token": token, "password": password, button: "1",
                                                  **ticked})


def test_signing_out_the_devices_ticked_with_the_password(app, world):
    client = app.test_client()
    AuthActions(client).sign_in("cadre")
    lost = issue_token(app.test_client(), "cadre", device="máy bị mất")
    kept = issue_token(app.test_client(), "cadre", device="máy đang dùng")
    library = app.test_client()  # a browser left signed in at the library
    AuthActions(library).sign_in("cadre")
    library_token = _session_token(library)
    with app.app_context():
        library_session = db.session.scalar(select(WebSession.id).order_by(WebSession.id.desc()))
    page = client.get("/account/devices/").get_data(as_text=True)
    assert f'name="sessions" value="{library_session}"' in page and "Chrome · Android" in page

    wrong = _sign_out(client, password="not-my-password", tokens=[_row(app, lost).id])
    assert wrong.status_code == 400 and "Mật khẩu không đúng." in wrong.get_data(as_text=True)
    assert _works(client, lost)  # nothing signed out without the password

    done = _sign_out(client, tokens=[_row(app, lost).id], sessions=[library_session])
    assert done.status_code == 302, re.findall(r'class="(?:error|flash flash-error)"[^>]*>([^<]*)', done.text)
    assert not _works(client, lost) and _works(client, kept)
    assert library.get("/").status_code == 302 and not _works(client, library_token)
    assert client.get("/").status_code == 200
    page = client.get("/account/devices/").get_data(as_text=True)
    assert "máy bị mất" not in page and "máy đang dùng" in page
    with app.app_context():
        actions = db.session.execute(select(AuditEntry.action, AuditEntry.details).where(
            AuditEntry.action.in_(("reauth_failed", "sign_out_devices"))).order_by(AuditEntry.id)).all()
    assert [a for a, _details in actions] == ["reauth_failed", "sign_out_devices"]
    assert actions[0][1]["purpose"] == "sign_out_devices"
    assert actions[1][1]["web_session_ids"] == [library_session]


def test_someone_elses_devices_and_this_browser_cannot_be_ticked(app, world):
    client = app.test_client()
    AuthActions(client).sign_in("cadre")
    mine = _session_token(client)  # this browser's: signing out of it ends it
    theirs = issue_token(app.test_client(), "cadre2")
    other_browser = app.test_client()
    AuthActions(other_browser).sign_in("cadre2")
    with app.app_context():
        sessions = dict(db.session.execute(select(WebSession.user_id, WebSession.id)).all())
    page = client.get("/account/devices/").get_data(as_text=True)
    assert f'value="{_row(app, mine).id}"' not in page and "trình duyệt này" in page
    for ticked in ({"tokens": [_row(app, theirs).id]}, {"sessions": [sessions[world.other_cadre]]},
                   {"tokens": [_row(app, mine).id]}, {"sessions": [sessions[world.cadre]]},
                   {"tokens": [2**40]}, {"tokens": ["x"]}):
        assert _sign_out(client, **ticked).status_code == 400, ticked
    assert _works(client, theirs) and _works(client, mine)
    assert other_browser.get("/").status_code == 200 and client.get("/").status_code == 200
    nothing = _sign_out(client)
    assert nothing.status_code == 400 and "Hãy đánh dấu" in nothing.get_data(as_text=True)


def test_sign_out_all_other_devices_and_browsers(app, world):
    client = app.test_client()
    AuthActions(client).sign_in("cadre")
    other_browser = app.test_client()
    AuthActions(other_browser).sign_in("cadre")
    secrets = [issue_token(app.test_client(), "cadre", device=f"máy {n}") for n in range(3)]
    mine = _session_token(client)
    theirs = issue_token(app.test_client(), "cadre2")

    assert _sign_out(client, button="everywhere").status_code == 302
    assert not any(_works(client, s) for s in [*secrets, mine])
    assert _works(client, theirs)
    assert other_browser.get("/").status_code == 302
    assert client.get("/account/devices/").status_code == 200  # this browser stays signed in
    assert _works(client, _session_token(client))  # and its app gets a new token from it
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "revoke_all"))
        assert entry.actor_id == world.cadre and entry.details["tokens"] == 4


def test_signing_out_devices_counts_wrong_passwords_like_sign_in(make_app, world):
    limits = {"account_address": "2 per 15 minutes", "address": "100 per hour", "account": "100 per hour"}
    app = make_app(RATELIMIT_ENABLED=True, SIGN_IN_FAILURE_LIMITS=limits,
                   SIGN_IN_RATE_LIMIT="1000 per minute")
    client = app.test_client()
    AuthActions(client).sign_in("cadre")
    secret = issue_token(app.test_client(), "cadre")
    for _ in range(2):
        assert _sign_out(client, password="guess", button="everywhere").status_code == 400
    refused = _sign_out(client, button="everywhere")
    assert refused.status_code == 429 and _works(client, secret)
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "reauth_blocked"


def test_my_devices_needs_a_signed_in_person(client, world):
    assert client.get("/account/devices/").status_code == 302
