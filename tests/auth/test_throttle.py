"""Password guessing: counted per account+address and per address, across workers; no lockout of
a colleague behind the same proxy; a device token mints nothing; sessions end when unused."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import DeviceToken, WebSession
from server.db import utcnow
from server.extensions import db
from tests.factories import PASSWORD

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMITS = {"account_address": "3 per 15 minutes", "address": "8 per hour", "account": "6 per hour"}


def _tokens(client, username, password, address="10.0.0.1", **headers):
    return client.post("/api/v1/tokens", json={"username": username, "password": password,
                                               "device_name": "phone"},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


@pytest.fixture
def limited_app(make_app):
    return make_app(RATELIMIT_ENABLED=True, SIGN_IN_FAILURE_LIMITS=LIMITS)


def test_a_made_up_authorization_header_gives_no_fresh_bucket(limited_app, world):
    client = limited_app.test_client()
    for i in range(3):
        response = _tokens(client, "cadre", f"wrong-{i}")
        assert response.status_code == 401
    response = _tokens(client, "cadre", PASSWORD)  # even the right password waits now
    assert response.status_code == 429
    response = _tokens(client, "cadre", "wrong-x", Authorization=f"Bearer {uuid.uuid4()}")
    assert response.status_code in (403, 429)  # a device token may not mint: refused either way


def test_a_colleague_behind_the_same_proxy_is_not_locked_out(limited_app, world):
    client = limited_app.test_client()
    for i in range(3):
        assert _tokens(client, "cadre", f"wrong-{i}").status_code == 401
    assert _tokens(client, "cadre", PASSWORD).status_code == 429
    assert _tokens(client, "cadre2", PASSWORD).status_code == 201  # same address, other account
    # from elsewhere the cadre's own right password still works
    assert _tokens(client, "cadre", PASSWORD, address="10.0.0.2").status_code == 201


def test_one_address_trying_many_accounts_is_stopped(limited_app, world):
    client = limited_app.test_client()
    for i in range(8):
        assert _tokens(client, f"nobody{i}", "wrong-pass").status_code == 401
    assert _tokens(client, "cadre", PASSWORD).status_code == 429
    assert _tokens(client, "cadre", PASSWORD, address="10.0.0.9").status_code == 201


def test_successes_are_not_counted(limited_app, world):
    client = limited_app.test_client()
    for _ in range(5):
        assert _tokens(client, "cadre", PASSWORD).status_code == 201


def test_the_sign_in_form_shares_the_rule(limited_app, world):
    from tests.helpers import csrf_token

    client = limited_app.test_client()

    def sign_in(password):
        token = csrf_token(client, "/auth/sign-in")
        return client.post("/auth/sign-in", data={"username": "cadre", "password": password,
                                                  "csrf_token": token})

    for i in range(3):
        assert sign_in(f"wrong-{i}").status_code == 200
    refused = sign_in(PASSWORD)
    assert refused.status_code == 429 and "15" in refused.get_data(as_text=True)


def test_proxy_fix_trusts_only_the_configured_hops(make_app, world):
    app = make_app(RATELIMIT_ENABLED=True, SIGN_IN_FAILURE_LIMITS=LIMITS, PROXIES=1)
    client = app.test_client()
    for i in range(3):  # the proxy says the client is 192.0.2.7 (a spoofed first hop is ignored)
        response = _tokens(client, "cadre", f"wrong-{i}", address="10.0.0.1",
                           **{"X-Forwarded-For": f"6.6.6.{i}, 192.0.2.7"})
        assert response.status_code == 401
    assert _tokens(client, "cadre", PASSWORD, **{"X-Forwarded-For": "192.0.2.7"}).status_code == 429
    assert _tokens(client, "cadre", PASSWORD, **{"X-Forwarded-For": "192.0.2.8"}).status_code == 201
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "sign_in_failed")).first()
        assert entry.details["address"] == "192.0.2.7" and entry.details["via"] == "api"


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")


_OTHER_WORKER = """
import sys
from server import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "RATELIMIT_STORAGE_URI": sys.argv[2], "RATELIMIT_ENABLED": True,
                  "SIGN_IN_FAILURE_LIMITS": {"account_address": "3 per 15 minutes",
                                             "address": "100 per hour", "account": "100 per hour"}})
client = app.test_client()
for i in range(2):
    r = client.post("/api/v1/tokens", json={"username": sys.argv[3], "password": "wrong-%d" % i,
                    "device_name": "x"}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert r.status_code == 401, r.status_code
"""


def test_failures_are_counted_across_workers_in_redis(make_app, database_url, world):
    """Two processes sharing Redis: 2 failures in one and 1 in the other reach the limit of 3."""
    _redis_or_skip()
    account = "cadre"
    storage = REDIS_URL
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage,
                   SIGN_IN_FAILURE_LIMITS={**LIMITS, "address": "100 per hour", "account": "100 per hour"})
    from server.extensions import limiter

    with app.app_context():
        limiter.reset()  # a previous run's counts
    done = subprocess.run([sys.executable, "-c", _OTHER_WORKER, database_url, storage, account],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    client = app.test_client()
    assert _tokens(client, account, "wrong-3", address="10.9.9.9").status_code == 401
    assert _tokens(client, account, PASSWORD, address="10.9.9.9").status_code == 429
    with app.app_context():
        limiter.reset()


def test_a_device_token_cannot_mint_another(client, world):
    issued = _tokens(client, "cadre", PASSWORD).get_json()["token"]
    response = client.post("/api/v1/tokens", json={"device_name": "second"},
                           headers={"Authorization": f"Bearer {issued}"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "password_required"


def test_a_web_session_with_csrf_may_mint(client, auth, world):
    from tests.helpers import csrf_token

    auth.sign_in("cadre")
    token = csrf_token(client, "/auth/password")
    assert client.post("/api/v1/tokens", json={"device_name": "x"}).status_code == 400  # no CSRF
    response = client.post("/api/v1/tokens", json={"device_name": "x"}, headers={"X-CSRFToken": token})
    assert response.status_code == 201


def test_a_device_token_unused_too_long_ends(app, client, world):
    issued = _tokens(client, "cadre", PASSWORD).get_json()["token"]
    headers = {"Authorization": f"Bearer {issued}"}
    assert client.get("/api/v1/tokens", headers=headers).status_code == 200
    with app.app_context():
        token = db.session.scalar(select(DeviceToken))
        token.last_used_at = utcnow() - app.config["DEVICE_TOKEN_IDLE"] - timedelta(minutes=1)
        db.session.commit()
    assert client.get("/api/v1/tokens", headers=headers).status_code == 401


def test_a_web_session_unused_too_long_ends(app, client, auth, world):
    auth.sign_in("cadre")
    assert client.get("/").status_code == 200
    with app.app_context():
        web_session = db.session.scalar(select(WebSession))
        web_session.last_seen_at = utcnow() - app.config["SESSION_IDLE"] - timedelta(minutes=1)
        db.session.commit()
    assert client.get("/").status_code == 302


def test_sign_in_failures_sign_outs_and_tokens_are_audited(app, client, auth, world):
    auth.sign_in("cadre", "wrong-password")
    auth.sign_in("cadre")
    auth.sign_out()
    _tokens(client, "cadre", "wrong-again")
    issued = _tokens(client, "cadre", PASSWORD).get_json()
    client.delete(f"/api/v1/tokens/{issued['id']}", headers={"Authorization": f"Bearer {issued['token']}"})
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["sign_in_failed", "sign_in", "sign_out", "sign_in_failed", "token_issue",
                       "token_revoke"]
