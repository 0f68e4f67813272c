"""Setting up two-factor sign-in: the key as text and as a QR code drawn in the page, a code from
the app to confirm, ten recovery codes shown once and stored hashed."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import RecoveryCode, User
from server.auth.services import hash_secret
from server.extensions import db
from tests.factories import ADMIN_TOTP_SECRET
from tests.helpers import csrf_token
from tests.twofactor.conftest import enrol


def test_the_setup_page_shows_the_key_grouped_and_a_qr_code_drawn_here(client, auth, world, clock):
    auth.sign_in("cadre")
    response = client.get("/auth/two-factor/setup")
    page = response.get_data(as_text=True)
    key = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", key)  # 32 symbols in groups of four
    svg = re.search(r"<svg[^>]*class=\"qr\".*?</svg>", page, re.S).group(0)
    assert "<path" in svg and "<img" not in page.split('id="two-factor-setup"')[1]
    assert not re.search(r"(src|href)=\"https?://", page)  # nothing from outside
    assert "style=" not in svg  # the CSP allows no inline style attribute
    # a reload shows the same key (the app may have scanned it already)
    again = client.get("/auth/two-factor/setup").get_data(as_text=True)
    assert key in again
    with client.application.app_context():
        assert db.session.get(User, world.cadre).totp_secret is None  # not before a code confirms it


def test_a_wrong_code_turns_nothing_on(app, client, auth, world, clock):
    auth.sign_in("cadre")
    token = csrf_token(client, "/auth/two-factor/setup")
    response = client.post("/auth/two-factor/setup", data={"code": "000000", "csrf_token": token})
    assert response.status_code == 400 and "đồng hồ" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world.cadre).totp_secret is None


def test_the_right_code_turns_it_on_with_ten_single_use_codes_shown_once(app, client, auth, world, clock):
    auth.sign_in("cadre")
    page = client.get("/auth/two-factor/setup").get_data(as_text=True)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    token = csrf_token(client, "/auth/two-factor/setup")
    done = client.post("/auth/two-factor/setup", data={"code": clock.code(secret), "csrf_token": token})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"([a-z2-9]{4}-){5}[a-z2-9]{4}", code) for code in codes)  # 24 symbols
    with app.app_context():
        user = db.session.get(User, world.cadre)
        assert user.totp_secret == secret and user.totp_enabled_at is not None
        stored = set(db.session.scalars(
            select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
        assert stored == {hash_secret(code.replace("-", "")) for code in codes}  # hashes, never the codes
        actions = list(db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_id == str(user.id))))
        assert "two_factor_enable" in actions
    assert "Đang bật" in client.get("/auth/two-factor/").get_data(as_text=True)
    assert client.get("/auth/two-factor/setup").status_code == 302  # on already: back to the settings


def test_the_code_that_confirmed_set_up_signs_nobody_in(client, auth, world, clock):
    auth.sign_in("cadre")
    secret, _codes = enrol(client, clock)
    client.post("/auth/sign-out", data={"csrf_token": csrf_token(client, "/")})
    from tests.twofactor.conftest import sign_in, signed_in

    response = sign_in(client, "cadre", clock.code(secret))
    assert response.status_code == 200 and not signed_in(client)


def test_setting_it_up_ends_the_other_browsers(app, world, clock):
    from tests.conftest import AuthActions

    laptop, phone = app.test_client(), app.test_client()
    AuthActions(laptop).sign_in("cadre")
    AuthActions(phone).sign_in("cadre")
    enrol(phone, clock)
    assert phone.get("/").status_code == 200
    assert laptop.get("/").status_code == 302  # signed in with the password alone: ended


def test_the_settings_page_is_reached_from_the_password_page(client, auth, world):
    auth.sign_in("cadre")
    page = client.get("/auth/password").get_data(as_text=True)
    assert 'href="/auth/two-factor/"' in page
    settings = client.get("/auth/two-factor/").get_data(as_text=True)
    assert 'href="/auth/two-factor/setup"' in settings and "Đang tắt" in settings


def test_the_provisioning_address_names_the_issuer_and_the_account(app, world):
    from server.twofactor import services

    with app.app_context():
        user = db.session.get(User, world.cadre)
        uri = services.provisioning_uri(user, ADMIN_TOTP_SECRET)
    parsed = pyotp.parse_uri(uri)
    assert (parsed.issuer, parsed.name, parsed.secret) == ("dicoso", "cadre", ADMIN_TOTP_SECRET)
