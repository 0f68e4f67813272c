"""Fixtures: a fresh, migrated database per test (SQLite by default, PostgreSQL when asked).

Set TEST_DATABASE_URL=postgresql+psycopg://user@host/anydb to run the suite on PostgreSQL: the
suite creates its own database on that server and drops it at the end.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server import create_app
from server.extensions import db, limiter

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "RATELIMIT_ENABLED": False,
    "WTF_CSRF_ENABLED": True,
}


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set TEST_DATABASE_URL=postgresql+psycopg://…")
    for item in items:
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(skip_pg)


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _the_test_password_hashed_once() -> Iterator[None]:
    """Every test world has five or more users with the same password, and scrypt costs about
    0.15 s a hash: hashing it afresh for each user was most of every test's set-up (≈ 8 minutes of
    a run). It is hashed once; the result is a real scrypt hash, so sign-in checks it as in
    production. Any other password is hashed as the app does."""
    from server.auth.models import User
    from tests.factories import PASSWORD

    hash_as_the_app_does = User.set_password
    kept: dict[str, str] = {}

    def set_password(user: User, password: str) -> None:
        if password != PASSWORD:
            return hash_as_the_app_does(user, password)
        if password not in kept:
            hash_as_the_app_does(user, password)
            kept[password] = user.password_hash
        user.password_hash = kept[password]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(User, "set_password", set_password)
        yield


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> Iterator[str]:
    """Migrate once per session: a template SQLite file, or a fresh PostgreSQL database."""
    if not ON_POSTGRES:
        path = tmp_path_factory.mktemp("db") / "template.sqlite3"
        url = f"sqlite:///{path}"
        _migrate(url)
        yield url
        return
    server_url = make_url(TEST_DATABASE_URL)
    name = f"dicoso_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server_url.set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _fresh_database(template_url: str, tmp_path: Path) -> str:
    if not ON_POSTGRES:
        template = Path(make_url(template_url).database)
        target = tmp_path / "test.sqlite3"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"
    engine = create_engine(template_url)
    with engine.begin() as conn:
        tables = conn.execute(text(
            "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename <> 'alembic_version'")).scalar_one()
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(text("INSERT INTO change_counters (name, value) VALUES ('visits', 0)"))
    engine.dispose()
    return template_url


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> str:
    return _fresh_database(database_template, tmp_path)


@pytest.fixture
def make_app(database_url: str, tmp_path: Path):
    """Build apps on this test's database with extra config (e.g. rate limits on). Photos go to
    the test's own folder, never to instance/."""
    apps: list[Flask] = []

    def factory(**config) -> Flask:
        app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                          "PHOTOS_DIR": str(tmp_path / "photos"), **config})
        if app.config["RATELIMIT_ENABLED"]:
            limiter.reset()  # counts kept in memory must not leak from one test into another
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app) -> Flask:
    """The app under test. No app context stays pushed: each request gets its own, as in
    production (a shared one would leak ``g``, the signed-in user and the CSRF token across
    requests). Tests that touch the database open ``with app.app_context():``."""
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


class AuthActions:
    """Sign in and out through the real form, CSRF token included."""

    def __init__(self, client: FlaskClient):
        self.client = client

    def sign_in(self, username: str, password: str = "password-123", follow: bool = False):
        """The password, then (for a user with two-factor sign-in, like the world's admin) a code."""
        from tests.helpers import csrf_token, next_code

        token = csrf_token(self.client, "/auth/sign-in")
        response = self.client.post("/auth/sign-in", data={
            "username": username, "password": password, "csrf_token": token,
        })
        if response.headers.get("Location", "").endswith("/auth/two-factor/code"):
            token = csrf_token(self.client, "/auth/two-factor/code")
            response = self.client.post("/auth/two-factor/code", data={
                "code": next_code(self.client.application, username), "csrf_token": token})
        if follow and response.status_code in (301, 302, 303):
            response = self.client.get(response.headers["Location"], follow_redirects=True)
        return response

    def sign_out(self):
        from tests.helpers import csrf_token

        token = csrf_token(self.client, "/")
        return self.client.post("/auth/sign-out", data={"csrf_token": token})


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def world(app: Flask):
    """A small unit tree with one user of each role, as ids (see tests/factories.py)."""
    from tests.factories import build_world

    with app.app_context():
        world = build_world()
        db.session.commit()
    return world
