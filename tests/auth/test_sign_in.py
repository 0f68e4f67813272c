"""Signing in and out through the real form."""

from __future__ import annotations

from sqlalchemy import func, select

from server.auth.models import User, WebSession
from server.auth.services import deactivate_user
from server.extensions import db
from tests.factories import PASSWORD


def test_sign_in_page_is_vietnamese_by_default(client):
    page = client.get("/auth/sign-in").get_data(as_text=True)
    assert "Đăng nhập" in page
    assert '<html lang="vi">' in page


def test_home_requires_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/auth/sign-in" in response.headers["Location"]


def _web_sessions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(WebSession))


def test_sign_in_and_out(app, client, auth, world):
    response = auth.sign_in("cadre")
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert _web_sessions(app) == 1
    auth.sign_out()
    assert _web_sessions(app) == 0
    assert client.get("/").status_code == 302


def test_wrong_password_is_explained_and_keeps_the_username(client, auth, world):
    response = auth.sign_in("cadre", "not-the-password")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu." in page
    assert 'value="cadre"' in page


def test_a_form_without_csrf_token_is_refused(client, world):
    response = client.post("/auth/sign-in", data={"username": "cadre", "password": PASSWORD},
                           headers={"Referer": "http://localhost/auth/sign-in?next=/visits/"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Biểu mẫu này đã hết hạn" in page  # said as what it is, not "could not be understood"
    assert 'href="/auth/sign-in?next=/visits/"' in page  # the page the form was on, to open again
    assert client.get("/").status_code == 302
    for referrer in ("https://evil.example/x", "http://localhost//evil.example/x"):
        elsewhere = client.post("/auth/sign-in", data={}, headers={"Referer": referrer})
        assert "evil.example" not in elsewhere.get_data(as_text=True), referrer


def test_sign_out_ends_the_session_on_the_server(client, auth, world):
    auth.sign_in("cadre")
    stolen = client.get_cookie("session").value
    auth.sign_out()
    client.set_cookie("session", stolen)  # replaying the old cookie signs nobody in
    assert client.get("/").status_code == 302


def test_sign_in_starts_a_new_session(client, auth, world):
    client.get("/auth/sign-in")
    before = client.get_cookie("session").value
    with client.session_transaction() as session:
        old_secret = session["csrf_token"]
    auth.sign_in("cadre")
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        # nothing from the signed-out session carries over: a new CSRF secret, made at sign-in
        assert session["csrf_token"] != old_secret


def test_session_cookie_is_httponly_and_lax(client, auth, world):
    response = auth.sign_in("cadre")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_deactivation_ends_web_sessions(app, client, auth, world):
    auth.sign_in("cadre")
    assert client.get("/").status_code == 200
    with app.app_context():
        deactivate_user(db.session.get(User, world.cadre))
        db.session.commit()
    assert client.get("/").status_code == 302
    assert "Sai tên" in auth.sign_in("cadre").get_data(as_text=True)


def test_next_only_follows_local_paths(client, auth, world):
    from tests.helpers import csrf_token

    token = csrf_token(client, "/auth/sign-in")
    response = client.post("/auth/sign-in?next=//evil.example/x", data={
        "username": "cadre", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/?fresh=1"  # fresh: the worker asks the server (sw.js)


def test_passwords_are_hashed_with_scrypt(app, world):
    with app.app_context():
        assert db.session.get(User, world.cadre).password_hash.startswith("scrypt:")


def test_sign_in_attempts_are_rate_limited(make_app, world):
    from tests.helpers import csrf_token

    client = make_app(RATELIMIT_ENABLED=True).test_client()
    token = csrf_token(client, "/auth/sign-in")
    statuses = [client.post("/auth/sign-in", data={"username": "cadre", "password": "guess",
                                                   "csrf_token": token}).status_code
                for _ in range(11)]
    assert statuses[:10].count(429) == 0
    assert statuses[10] == 429


def test_sign_in_puts_the_csrf_secret_in_the_new_session(client, auth, world):
    # Pages and service-worker fetches that follow at once then share one secret; each making
    # its own raced, and a form from the page whose cookie lost was refused.
    auth.sign_in("cadre")
    with client.session_transaction() as session:
        assert "csrf_token" in session


def test_answers_do_not_send_the_session_cookie_again(client, auth, world):
    """An answer to a request begun before signing out must not put the signed-in cookie back
    (with the sign-out's message lost): the cookie goes out only when the session changes."""
    auth.sign_in("cadre")
    client.get("/")
    for path in ("/visits/", "/api/v1/openapi.json", "/visits/settings"):
        assert "Set-Cookie" not in client.get(path).headers, path


def test_a_form_token_from_a_page_cached_hours_ago_still_works(app, client, auth, world):
    """The phone opens its pages from the cache: their tokens are as old as the copy."""
    import time

    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    class TwoHoursAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 2 * 3600

    auth.sign_in("cadre")
    client.get("/")
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    old = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token", signer=TwoHoursAgo).dumps(raw)
    response = client.post("/auth/language", data={"lang": "en", "next": "/", "csrf_token": old})
    assert response.status_code == 302


def test_a_signed_in_page_fetched_by_a_script_while_signed_out_is_a_bare_401(client, world):
    """The service worker and freshSession() fetch pages: signed out, they get a 401 that writes no
    cookie (a redirect rendered the sign-in page, whose new CSRF secret raced the person's own)."""
    client.get("/auth/sign-in")  # the browser holds an anonymous session with a CSRF secret
    for path in ("/", "/visits/new", "/visits/settings", "/review/"):
        response = client.get(path, headers={"Sec-Fetch-Mode": "same-origin"})
        assert response.status_code == 401 and "Set-Cookie" not in response.headers, path
    navigation = client.get("/visits/new", headers={"Sec-Fetch-Mode": "navigate"})
    assert navigation.status_code == 302 and "/auth/sign-in" in navigation.headers["Location"]


def test_an_anonymous_page_does_not_rewrite_the_session_cookie(client, world):
    """Reading the (anonymous) user must not mark the session: an answer to a request that began
    before a sign-in would otherwise bring the old cookie back over the new one."""
    client.get("/auth/sign-in")
    for path in ("/offline", "/auth/sign-in", "/manifest.webmanifest"):
        assert "Set-Cookie" not in client.get(path).headers, path


def test_signing_out_says_so_on_the_sign_in_page_it_sends_to_and_keeps_one_csrf_secret(client, auth, world):
    """The message is in the address, not a one-time flash (another tab of the person, opening the
    sign-in page at the same moment, took it), and the answer's cookie already holds the CSRF
    secret that every tab's sign-in page then shares."""
    auth.sign_in("cadre")
    response = auth.sign_out()
    assert response.status_code == 302 and response.headers["Location"] == "/auth/sign-in?signed_out=1"
    with client.session_transaction() as session:
        assert "csrf_token" in session and "_flashes" not in session
    assert "Bạn đã đăng xuất" in client.get("/auth/sign-in?signed_out=1").get_data(as_text=True)
    assert "Bạn đã đăng xuất" not in client.get("/auth/sign-in").get_data(as_text=True)
