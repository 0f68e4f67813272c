"""Signing in and out through the real form."""

from __future__ import annotations

from sqlalchemy import func, select

from server.auth.models import WebSession
from server.extensions import db


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
