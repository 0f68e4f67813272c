"""The app factory and configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from server import create_app
from server.config import from_environment
from server.extensions import db


def test_factory_takes_test_config(app):
    assert app.testing
    assert {"auth", "home"} <= set(app.blueprints)


def test_default_database_is_sqlite_in_instance(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = from_environment(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'dicoso.sqlite3'}"


def test_postgres_urls_use_psycopg3(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/dicoso")
    assert from_environment(tmp_path)["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/dicoso"


def test_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = from_environment(tmp_path)["SECRET_KEY"]
    assert len(first) >= 64
    assert from_environment(tmp_path)["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert from_environment(tmp_path)["SECRET_KEY"] == "from-env"


def test_cookies_are_httponly_lax_and_secure_behind_https(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("DICOSO_HTTPS", raising=False)
    plain = from_environment(tmp_path)
    assert plain["SESSION_COOKIE_HTTPONLY"] and plain["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not plain["SESSION_COOKIE_SECURE"]
    monkeypatch.setenv("DICOSO_HTTPS", "1")
    assert from_environment(tmp_path)["SESSION_COOKIE_SECURE"]


def test_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/khong-co")
    assert response.status_code == 404
    assert "Không tìm thấy." in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    body = response.get_json()
    assert body["error"]["code"] == "not_found"
    assert body["error"]["message"]


def test_server_errors_never_show_a_traceback(database_url):
    app = create_app({"TESTING": False, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    @app.get("/api/v1/boom")
    def api_boom():
        raise RuntimeError("secret internals")

    client = app.test_client()
    page = client.get("/boom")
    assert page.status_code == 500 and "secret internals" not in page.get_data(as_text=True)
    api = client.get("/api/v1/boom")
    assert api.status_code == 500
    assert api.get_json()["error"]["code"] == "internal_server_error"
    assert "secret internals" not in api.get_data(as_text=True)


@pytest.mark.parametrize("unreachable", ["sqlite:////no-such-directory/dicoso.sqlite3",
                                         "postgresql+psycopg://postgres@127.0.0.1:1/dicoso"])
def test_a_database_out_of_reach_answers_503_with_retry_after(unreachable):
    """A restart or failover of the database is not a bug of the request: 503 and Retry-After (the
    PWA keeps its outbox and tries again), in the API envelope and as a page."""
    app = create_app({"TESTING": False, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": unreachable,
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    api = client.get("/api/v1/bootstrap", headers={"Authorization": "Bearer some-token"})
    assert api.status_code == 503
    assert api.headers["Retry-After"] == "5"
    assert api.get_json()["error"]["code"] == "service_unavailable"
    assert "cơ sở dữ liệu" in api.get_json()["error"]["message"]
    page = client.post("/auth/sign-in", data={"username": "canbo", "password": "password-123"})
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "cơ sở dữ liệu" in page.get_data(as_text=True)


def test_a_commit_the_database_breaks_off_answers_503_never_success(app, monkeypatch):
    """The connection drops during the commit: the change may or may not be stored, so the client
    must not hear 200; a 503 (with the usual security headers) makes it send the change again."""

    @app.get("/api/v1/test-write")  # (a GET: no CSRF token to fetch; every answer < 400 commits)
    def write():
        return {"stored": True}

    def broken_commit():
        raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(db.session, "commit", broken_commit)
    response = app.test_client().get("/api/v1/test-write")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"
    assert "Content-Security-Policy" in response.headers


def test_a_signed_in_page_while_the_database_is_gone_answers_503(app, client, auth, world):
    """Loading the signed-in person for the page's menu would need the database: the 503 page
    stands alone (it used to be a 500: the error page loaded the user for its menu)."""
    from sqlalchemy import event

    auth.sign_in("cadre")
    with app.app_context():
        engine = db.engine

    def database_gone(conn, cursor, statement, parameters, context, executemany):
        raise OperationalError(statement, parameters, Exception("server closed the connection"))

    event.listen(engine, "before_cursor_execute", database_gone)
    try:
        page = client.get("/")
    finally:
        event.remove(engine, "before_cursor_execute", database_gone)
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "cơ sở dữ liệu" in page.get_data(as_text=True)
