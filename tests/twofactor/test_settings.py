"""One's own two-factor settings: new recovery codes for a code, turning it off for the password
and a code."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.auth.models import RecoveryCode, User
from server.extensions import db
from tests.factories import PASSWORD
from tests.helpers import csrf_token
from tests.twofactor.conftest import enrol, sign_in, sign_out


def _post(client, action: str, data: dict):
    token = csrf_token(client, "/auth/two-factor/")
    return client.post(f"/auth/two-factor/{action}", data={"csrf_token": token, **data})


def _enrolled_cadre(client, auth, clock):
    auth.sign_in("cadre")
    secret, codes = enrol(client, clock)
    clock.tick()
    return secret, codes


def test_new_recovery_codes_replace_the_old_ones(app, client, auth, world, clock):
    secret, old = _enrolled_cadre(client, auth, clock)
    refused = _post(client, "recovery-codes", {"code": "123456"})
    assert refused.status_code == 400
    response = _post(client, "recovery-codes", {"code": clock.code(secret)})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    new = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    sign_out(client)
    assert sign_in(client, "cadre", old[0]).status_code == 200  # the old ones no longer work
    from tests.twofactor.conftest import code_step

    assert code_step(client, new[0]).status_code == 302
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"recovery_codes_regenerate", "two_factor_failed", "recovery_code_used"} <= actions


def test_turning_it_off_needs_the_password_and_a_code(app, client, auth, world, clock):
    secret, _codes = _enrolled_cadre(client, auth, clock)
    wrong_password = {"password": "wrong-password", "code": clock.code(secret)}
    assert _post(client, "disable", wrong_password).status_code == 400
    assert _post(client, "disable", {"password": PASSWORD, "code": "000000"}).status_code == 400
    assert _post(client, "disable", {"password": PASSWORD}).status_code == 400
    with app.app_context():
        assert db.session.get(User, world.cadre).totp_secret is not None
    response = _post(client, "disable", {"password": PASSWORD, "code": clock.code(secret)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/two-factor/")
    with app.app_context():
        user = db.session.get(User, world.cadre)
        assert user.totp_secret is None and user.totp_last_step is None
        assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
        assert db.session.scalar(select(func.count()).where(AuditEntry.action == "two_factor_disable")) == 1
    sign_out(client)
    from tests.conftest import AuthActions

    assert AuthActions(client).sign_in("cadre").headers["Location"] == "/?fresh=1"  # the password alone again


def test_a_wrong_password_to_turn_it_off_is_audited_and_counted_like_any_other(make_app, world, clock):
    """The password typed again to turn two-factor sign-in off is a guess like a sign-in's: audited
    (``reauth_failed`` for ``two_factor_disable``) and refused past the limit, in the same windows."""
    from tests.conftest import AuthActions

    app = make_app(RATELIMIT_ENABLED=True, SIGN_IN_FAILURE_LIMITS={
        "account_address": "3 per 15 minutes", "address": "100 per hour", "account": "100 per hour"})
    client = app.test_client()
    secret, _codes = _enrolled_cadre(client, AuthActions(client), clock)
    statuses = [_post(client, "disable", {"password": f"wrong-{n}", "code": clock.code(secret)}).status_code
                for n in range(3)]
    assert statuses[:2] == [400, 400] and statuses[2] in (400, 429)
    refused = _post(client, "disable", {"password": PASSWORD, "code": clock.code(secret)})
    assert refused.status_code == 429  # even the right one waits now
    with app.app_context():
        assert db.session.get(User, world.cadre).totp_secret is not None
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action.in_(("reauth_failed", "reauth_blocked")))).all()
        assert {e.details["purpose"] for e in entries} == {"two_factor_disable"}
        assert sum(e.action == "reauth_failed" for e in entries) >= 2
        assert any(e.action == "reauth_blocked" for e in entries)


def test_a_recovery_code_may_turn_it_off_after_a_lost_phone(app, client, auth, world, clock):
    _secret, codes = _enrolled_cadre(client, auth, clock)
    response = _post(client, "disable", {"password": PASSWORD, "code": codes[3]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, world.cadre).totp_secret is None


def test_without_two_factor_there_is_nothing_to_regenerate_or_turn_off(client, auth, world):
    auth.sign_in("cadre")
    for action in ("recovery-codes", "disable"):
        response = _post(client, action, {"code": "123456", "password": PASSWORD})
        assert response.status_code == 302 and response.headers["Location"].endswith("/auth/two-factor/")
