"""What an admin needs to follow accounts: sign-ins refused (also past the limit), device tokens
issued and revoked (by their owner and by an admin), passwords changed and reset, two-factor
sign-in turned on, off and reset, recovery codes used and renewed: each in the audit log, and on
the audit page, filterable by its action."""

from __future__ import annotations

import re

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import User
from server.extensions import db
from server.twofactor import services as twofactor
from tests.api.support import bearer
from tests.conftest import AuthActions
from tests.factories import ADMIN_TOTP_SECRET, PASSWORD
from tests.helpers import csrf_token
from tests.twofactor.conftest import Clock, code_step, enrol, password_step, sign_in, sign_out

LIMITS = {"account_address": "2 per 15 minutes", "address": "100 per hour", "account": "100 per hour"}
CODE_LIMITS = {"account_address": "2 per 15 minutes", "account": "100 per day"}
EXPECTED = {
    "sign_in", "sign_in_failed", "sign_in_blocked", "sign_out",
    "token_issue", "token_revoke", "revoke_all",
    "change_password", "reset_password",
    "two_factor_enable", "two_factor_failed", "two_factor_blocked", "recovery_code_used",
    "recovery_codes_regenerate", "two_factor_disable", "two_factor_reset",
}


def _tokens(client, username: str, **fields):
    return client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD,
                                               "device_name": "phone", **fields})


def test_every_account_event_is_on_the_audit_page(make_app, world, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(twofactor, "time", clock)
    app = make_app(RATELIMIT_ENABLED=True, SIGN_IN_FAILURE_LIMITS=LIMITS,
                   TWO_FACTOR_FAILURE_LIMITS=CODE_LIMITS,
                   SIGN_IN_RATE_LIMIT="1000 per minute", TOKEN_RATE_LIMIT="1000 per minute")
    cadre, admin, other = app.test_client(), app.test_client(), app.test_client()

    # wrong passwords, then refused unchecked past the limit (form and API)
    for _ in range(2):
        password_step(other, "cadre2", "wrong-password")
    assert password_step(other, "cadre2").status_code == 429
    assert _tokens(other, "cadre2").status_code == 429

    # the cadre: a password change, two-factor on, a device token with a code, revoked by the cadre
    AuthActions(cadre).sign_in("cadre")
    token = csrf_token(cadre, "/auth/password")
    cadre.post("/auth/password", data={"current": PASSWORD, "new": "mat-khau-moi-9",
                                       "confirm": "mat-khau-moi-9", "csrf_token": token})
    secret, codes = enrol(cadre, clock)
    clock.tick()
    issued = _tokens(cadre, "cadre", password="mat-khau-moi-9", otp=clock.code(secret)).get_json()
    assert cadre.delete(f"/api/v1/tokens/{issued['id']}", headers=bearer(issued["token"])).status_code == 204
    # a recovery code to sign in, new codes, wrong codes until refused, then two-factor off
    sign_out(cadre)
    sign_in(cadre, "cadre", codes[0], password="mat-khau-moi-9")
    clock.tick()
    token = csrf_token(cadre, "/auth/two-factor/")
    cadre.post("/auth/two-factor/recovery-codes", data={"code": clock.code(secret), "csrf_token": token})
    sign_out(cadre)
    password_step(cadre, "cadre", "mat-khau-moi-9")
    for _ in range(2):
        code_step(cadre, "000000")
    assert code_step(cadre, clock.code(secret)).status_code == 429

    # the admin: revokes the other cadre's tokens one and all, resets a password and the cadre's
    # two-factor sign-in
    with app.app_context():
        from server.tokens.services import issue_token

        first, _secret = issue_token(db.session.get(User, world.other_cadre), "máy cũ", 30)
        issue_token(db.session.get(User, world.other_cadre), "máy mới", 30)
        db.session.commit()
        first_id = first.id
    signed_in = sign_in(admin, "admin", clock.code(ADMIN_TOTP_SECRET), next_path="/admin/tokens")
    assert signed_in.status_code == 302
    token = csrf_token(admin, "/admin/tokens")
    admin.post(f"/admin/tokens/{first_id}/revoke", data={"csrf_token": token})
    admin.post(f"/admin/users/{world.other_cadre}/tokens/revoke", data={"csrf_token": token})
    admin.post(f"/admin/users/{world.other_cadre}/reset-password", data={"csrf_token": token})
    admin.post(f"/admin/users/{world.cadre}/reset-two-factor", data={"csrf_token": token})
    # and a supervisor turns two-factor sign-in off (their role requires it: set up again next)
    sup = app.test_client()
    sign_in(sup, "sup", clock.code(ADMIN_TOTP_SECRET))
    clock.tick()
    token = csrf_token(sup, "/auth/two-factor/")
    sup.post("/auth/two-factor/disable", data={"password": PASSWORD, "code": clock.code(ADMIN_TOTP_SECRET),
                                               "csrf_token": token})

    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
        revoked = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "token_revoke")).all()
        assert {e.actor_id for e in revoked} == {world.cadre, world.admin}  # by the owner, by an admin
        blocked = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "sign_in_blocked")).all()
        assert sorted(e.details["via"] for e in blocked) == ["api", "web"]
    assert actions >= EXPECTED, EXPECTED - actions
    page = admin.get("/audit/").get_data(as_text=True)
    options = set(re.findall(r'<option value="([a-z_]+)"', page))
    assert options >= EXPECTED  # each can be chosen in the filter
    for action in EXPECTED:
        page = admin.get("/audit/", query_string={"action": action}).get_data(as_text=True)
        assert f'data-action="{action}"' in page, action
        assert f"<code>{action}</code>" not in page, action  # a sentence, not the code
