"""Code guesses are limited like password guesses, per account (from one address, and from all),
on the code page and on POST /api/v1/tokens together; past the limit even the right code waits."""

from __future__ import annotations

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.extensions import db
from tests.factories import ADMIN_TOTP_SECRET, PASSWORD
from tests.helpers import csrf_token

LIMITS = {"account_address": "3 per 15 minutes", "account": "5 per day"}


def _limited(make_app):
    return make_app(RATELIMIT_ENABLED=True, TWO_FACTOR_FAILURE_LIMITS=LIMITS)


def _web_code(client, code: str, address: str):
    """The password (right), then ``code``, from ``address``."""
    env = {"REMOTE_ADDR": address}
    token = csrf_token(client, "/auth/sign-in")
    client.post("/auth/sign-in", data={"username": "admin", "password": PASSWORD, "csrf_token": token},
                environ_base=env)
    token = csrf_token(client, "/auth/two-factor/code")
    return client.post("/auth/two-factor/code", data={"code": code, "csrf_token": token}, environ_base=env)


def _api_code(client, code: str, address: str):
    return client.post("/api/v1/tokens", json={"username": "admin", "password": PASSWORD, "otp": code,
                                               "device_name": "x"}, environ_base={"REMOTE_ADDR": address})


def test_wrong_codes_stop_even_the_right_one_and_are_audited(make_app, world, clock):
    app = _limited(make_app)
    client = app.test_client()
    wrong = clock.code(ADMIN_TOTP_SECRET, steps=4)
    assert _web_code(client, wrong, "10.0.0.1").status_code == 200
    assert _api_code(client, wrong, "10.0.0.1").status_code == 401  # the page and the API count together
    assert _web_code(client, wrong, "10.0.0.1").status_code == 200
    refused = _web_code(client, clock.code(ADMIN_TOTP_SECRET), "10.0.0.1")
    assert refused.status_code == 429 and "quá nhiều lần" in refused.get_data(as_text=True)
    assert _api_code(client, clock.code(ADMIN_TOTP_SECRET), "10.0.0.1").status_code == 429
    with app.app_context():
        blocked = list(db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "two_factor_blocked")))
        assert [e.details["via"] for e in blocked] == ["web", "api"]
        assert all(e.entity_id == str(world.admin) for e in blocked)


def test_the_account_window_holds_across_addresses(make_app, world, clock):
    app = _limited(make_app)
    client = app.test_client()
    wrong = clock.code(ADMIN_TOTP_SECRET, steps=4)
    for i in range(5):
        assert _api_code(client, wrong, f"10.0.1.{i}").status_code == 401
    assert _api_code(client, clock.code(ADMIN_TOTP_SECRET), "10.0.2.1").status_code == 429


def test_other_accounts_are_not_held_up(make_app, world, clock):
    app = _limited(make_app)
    client = app.test_client()
    for _ in range(3):
        _api_code(client, clock.code(ADMIN_TOTP_SECRET, steps=4), "10.0.0.1")
    body = {"username": "cadre", "password": PASSWORD, "device_name": "x"}
    response = client.post("/api/v1/tokens", json=body, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert response.status_code == 201


def test_a_right_code_is_not_counted(make_app, world, clock):
    app = _limited(make_app)
    client = app.test_client()
    for step in range(-1, 2):
        assert _api_code(client, clock.code(ADMIN_TOTP_SECRET, steps=step), "10.0.0.1").status_code == 201
    clock.tick(2)
    assert _api_code(client, clock.code(ADMIN_TOTP_SECRET), "10.0.0.1").status_code == 201
